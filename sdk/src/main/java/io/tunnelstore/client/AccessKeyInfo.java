package io.tunnelstore.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One access key of a Tunnelstore instance as {@link AdminClient#listAccessKeys()} shows it (never with its secret).
 *
 * @param accessKeyId         the key's id
 * @param scope               {@code admin}, {@code read-write}, {@code read-only} or {@code tunnel-consume}
 * @param tables              the tables the scope is limited to; empty = every table
 * @param enabled             whether the server accepts the key (and the credentials minted from it)
 * @param origin              {@code environment} (OTS_AK_ENV), {@code generated} (first start) or {@code created}
 * @param maxTemporaryTtl     longest lifetime of temporary credentials the key may mint; zero = may not mint
 * @param createdAt           creation or last rotation time
 */
public record AccessKeyInfo(String accessKeyId, String scope, List<String> tables, boolean enabled, String origin,
                            Duration maxTemporaryTtl, Instant createdAt) {
    public AccessKeyInfo {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(scope, "scope");
        tables = List.copyOf(tables);
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(maxTemporaryTtl, "maxTemporaryTtl");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
