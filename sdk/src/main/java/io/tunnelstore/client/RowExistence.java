package io.tunnelstore.client;

/** Row-existence condition of a write; a write whose condition fails gets {@code OTSConditionCheckFail}. */
public enum RowExistence {
    /** Write whether or not the row exists. */
    IGNORE,
    /** Write only if the row exists. */
    EXPECT_EXIST,
    /** Write only if the row does not exist. */
    EXPECT_NOT_EXIST
}
