package io.tunnelstore.server.auth;

/** Where an access key came from; decides who may change it and when it is removed. */
public enum KeyOrigin {
    /**
     * Installed at start from {@code OTS_AK_ENV}/{@code OTS_SK_ENV} (the bootstrap admin key). Removed at the next
     * start that configures another key or none; cannot be changed through the admin API (change the environment).
     */
    ENVIRONMENT,
    /** Generated at start because the instance had no usable admin key (printed once). */
    GENERATED,
    /** Created through the admin API ({@code tunnelstore keys create}). */
    CREATED;

    /** Lower-case name used on the wire and in the CLI. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
