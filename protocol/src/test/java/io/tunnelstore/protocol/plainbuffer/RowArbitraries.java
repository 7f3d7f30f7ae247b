package io.tunnelstore.protocol.plainbuffer;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.SequenceInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for PlainBuffer rows covering every value type and cell shape. */
final class RowArbitraries {

    private RowArbitraries() {
    }

    /** Any Java string, normalised the way UTF-8 encoding does (unpaired surrogates become '?'). */
    static Arbitrary<String> utf8Strings(int maxLength) {
        return Arbitraries.strings().all().ofMaxLength(maxLength)
                .map(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    static Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_0123456789").ofMinLength(1).ofMaxLength(10),
                utf8Strings(6).filter(s -> !s.isEmpty()));
    }

    static Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    }

    static Arbitrary<ColumnValue> pkDataValues() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(ColumnValue::ofLong),
                utf8Strings(20).map(ColumnValue::ofString),
                bytes().map(ColumnValue::ofBinary));
    }

    static Arbitrary<ColumnValue> attributeValues() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(ColumnValue::ofLong),
                Arbitraries.doubles().map(ColumnValue::ofDouble),
                Arbitraries.of(Double.NaN, Double.NEGATIVE_INFINITY, -0.0d, Double.MIN_VALUE).map(ColumnValue::ofDouble),
                Arbitraries.of(true, false).map(ColumnValue::ofBoolean),
                utf8Strings(30).map(ColumnValue::ofString),
                bytes().map(ColumnValue::ofBinary));
    }

    /** Primary keys of 1-4 columns with distinct names; {@code markers} mixes in INF_MIN/INF_MAX/AUTO_INCREMENT. */
    static Arbitrary<PrimaryKey> primaryKeys(boolean markers) {
        Arbitrary<ColumnValue> values = markers
                ? Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, pkDataValues()),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(ColumnValue.INF_MIN, ColumnValue.INF_MAX, ColumnValue.AUTO_INCREMENT)))
                : pkDataValues();
        return names().set().ofMinSize(1).ofMaxSize(4).flatMap(nameSet -> {
            List<String> ns = new ArrayList<>(nameSet);
            return values.list().ofSize(ns.size()).map(vs -> {
                List<PrimaryKeyColumn> cols = new ArrayList<>();
                for (int i = 0; i < ns.size(); i++) {
                    cols.add(PrimaryKeyColumn.of(ns.get(i), vs.get(i)));
                }
                return PrimaryKey.of(cols);
            });
        });
    }

    static Arbitrary<Long> timestamps() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(0, 2_000_000_000_000L));
    }

    /** Put cells with and without timestamp, delete-all, delete-one, increment (without timestamp). */
    static Arbitrary<Cell> cells() {
        return Arbitraries.oneOf(
                Combinators.combine(names(), attributeValues()).as(Cell::put),
                Combinators.combine(names(), attributeValues(), timestamps()).as(Cell::put),
                names().map(Cell::deleteAllVersions),
                Combinators.combine(names(), timestamps()).as(Cell::deleteOneVersion),
                Combinators.combine(names(), Arbitraries.longs()).as(Cell::increment));
    }

    /** Put cells only, any with or without timestamp (PutRow shape). */
    static Arbitrary<Cell> putCells() {
        return Arbitraries.oneOf(
                Combinators.combine(names(), attributeValues()).as(Cell::put),
                Combinators.combine(names(), attributeValues(), timestamps()).as(Cell::put));
    }

    static Arbitrary<SequenceInfo> sequenceInfos() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.longs(), Arbitraries.integers()).as(SequenceInfo::new);
    }

    /** Any row: PK (with markers), 0-5 cells of every kind, optional delete marker, optional sequence info. */
    static Arbitrary<PlainRow> rows() {
        return Combinators.combine(primaryKeys(true), cells().list().ofMaxSize(5), Arbitraries.of(true, false),
                sequenceInfos().injectNull(0.5)).as(PlainRow::new);
    }
}
