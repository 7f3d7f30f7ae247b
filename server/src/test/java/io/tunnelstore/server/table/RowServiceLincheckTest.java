package io.tunnelstore.server.table;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.FilterProtos.ComparatorType;
import io.tunnelstore.protocol.pb.FilterProtos.Filter;
import io.tunnelstore.protocol.pb.FilterProtos.FilterType;
import io.tunnelstore.protocol.pb.FilterProtos.SingleColumnValueFilter;
import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.Condition;
import io.tunnelstore.protocol.pb.TableProtos.CreateTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.DeleteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.protocol.pb.TableProtos.PutRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.ReservedThroughput;
import io.tunnelstore.protocol.pb.TableProtos.ReturnContent;
import io.tunnelstore.protocol.pb.TableProtos.ReturnType;
import io.tunnelstore.protocol.pb.TableProtos.RowExistenceExpectation;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import io.tunnelstore.protocol.pb.TableProtos.TableOptions;
import io.tunnelstore.protocol.pb.TableProtos.UpdateRowRequest;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.testsupport.ManualClock;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Single-row linearizability of the row service, model-checked by Lincheck: PutRow, UpdateRow with an increment
 * (RT_AFTER_MODIFY), UpdateRow with a column condition, DeleteRow and GetRow from two threads must be explainable by
 * the sequential {@link Model} below in every interleaving Lincheck explores. It explores {@link #targetedScenarios}
 * (random scenarios on two rows with {@code -Dlincheck.iterations=N}); skip it with {@code -Dtunnelstore.lincheck=false}.
 *
 * <p>The service runs on {@link InMemoryRowEngine} (all on the calling thread, so Lincheck schedules it) with a
 * clock that ticks one millisecond at every reading: a version time taken outside the row's critical section then
 * shows up as a lost increment. {@link #catchesVersionTimeTakenBeforeTheRowLock} shows that it does.
 */
@Param(name = "row", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class RowServiceLincheckTest {

    private static final String INSTANCE = "lin";
    private static final String TABLE = "rows";

    private final RowService rows;

    public RowServiceLincheckTest() {
        // Moves one millisecond forward at every reading, so every request sees time pass.
        ManualClock clock = ManualClock.ticking(Instant.ofEpochMilli(1_800_000_000_000L), Duration.ofMillis(1));
        InMemoryRowEngine engine = new InMemoryRowEngine(clock, takesVersionTimeBeforeLock());
        TableCatalog catalog = new TableCatalog(engine);
        new TableAdminService(catalog, clock::millis).createTable(INSTANCE, CreateTableRequest.newBuilder()
                .setTableMeta(TableMeta.newBuilder().setTableName(TABLE).addPrimaryKey(
                        PrimaryKeySchema.newBuilder().setName("pk").setType(PrimaryKeyType.INTEGER)))
                .setReservedThroughput(ReservedThroughput.newBuilder()
                        .setCapacityUnit(CapacityUnit.getDefaultInstance()))
                .setTableOptions(TableOptions.newBuilder().setTimeToLive(-1).setMaxVersions(1))
                .build());
        rows = new RowService(catalog, engine, clock::millis);
    }

    // Requests are built once: only the row service's own work runs inside the model-checked section.
    private static final int ROWS = 2;
    private static final int VALUES = 3;
    private static final PutRowRequest[][] PUTS = new PutRowRequest[ROWS][VALUES + 1];
    private static final UpdateRowRequest[] INCREMENTS = new UpdateRowRequest[ROWS];
    private static final UpdateRowRequest[][] COMPARE_AND_SETS = new UpdateRowRequest[ROWS][VALUES + 1];
    private static final DeleteRowRequest[] DELETES = new DeleteRowRequest[ROWS];
    private static final GetRowRequest[] GETS = new GetRowRequest[ROWS];

    static {
        for (int row = 0; row < ROWS; row++) {
            ByteString key = ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(key(row)));
            for (int value = 1; value <= VALUES; value++) {
                PUTS[row][value] = PutRowRequest.newBuilder().setTableName(TABLE).setCondition(ignore())
                        .setRow(rowChange(row, Cell.put("v", ColumnValue.ofLong(value)))).build();
                Filter vEquals = Filter.newBuilder().setType(FilterType.FT_SINGLE_COLUMN_VALUE)
                        .setFilter(SingleColumnValueFilter.newBuilder().setComparator(ComparatorType.CT_EQUAL)
                                .setColumnName("v")
                                .setColumnValue(ByteString.copyFrom(
                                        PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofLong(value))))
                                .setFilterIfMissing(true).setLatestVersionOnly(true).build().toByteString())
                        .build();
                COMPARE_AND_SETS[row][value] = UpdateRowRequest.newBuilder().setTableName(TABLE)
                        .setCondition(Condition.newBuilder().setRowExistence(RowExistenceExpectation.IGNORE)
                                .setColumnCondition(vEquals.toByteString()))
                        .setRowChange(rowChange(row, Cell.put("v", ColumnValue.ofLong(value + 1)))).build();
            }
            INCREMENTS[row] = UpdateRowRequest.newBuilder().setTableName(TABLE).setCondition(ignore())
                    .setRowChange(rowChange(row, Cell.increment("n", 1)))
                    .setReturnContent(ReturnContent.newBuilder().setReturnType(ReturnType.RT_AFTER_MODIFY)
                            .addReturnColumnNames("n"))
                    .build();
            DELETES[row] = DeleteRowRequest.newBuilder().setTableName(TABLE).setCondition(ignore())
                    .setPrimaryKey(key).build();
            GETS[row] = GetRowRequest.newBuilder().setTableName(TABLE).setMaxVersions(1).setPrimaryKey(key).build();
        }
    }

    static {
        // Run every operation once before Lincheck starts, so that class initialization (protobuf descriptors,
        // codecs) happens here and not inside the model-checked section.
        RowServiceLincheckTest warmUp = new RowServiceLincheckTest();
        warmUp.put(0, 1);
        warmUp.compareAndSet(0, 1);
        warmUp.compareAndSet(0, 1);
        warmUp.increment(0);
        warmUp.get(0);
        warmUp.delete(0);
        warmUp.get(0);
    }

    @Operation
    public void put(@Param(name = "row") int row, @Param(name = "value") int value) {
        rows.putRow(INSTANCE, PUTS[row][value]);
    }

    @Operation
    public long increment(@Param(name = "row") int row) {
        byte[] after = rows.updateRow(INSTANCE, INCREMENTS[row]).getRow().toByteArray();
        return PlainBufferCodec.decodeSingleRow(after).cells().get(0).value().asLong();
    }

    /** Sets v to {@code value + 1} when v is {@code value} now (compare-and-set); false when the condition failed. */
    @Operation
    public boolean compareAndSet(@Param(name = "row") int row, @Param(name = "value") int value) {
        try {
            rows.updateRow(INSTANCE, COMPARE_AND_SETS[row][value]);
            return true;
        } catch (OtsException e) {
            if (!e.errorCode().code().equals("OTSConditionCheckFail")) {
                throw e;
            }
            return false;
        }
    }

    @Operation
    public void delete(@Param(name = "row") int row) {
        rows.deleteRow(INSTANCE, DELETES[row]);
    }

    /** The row's columns as "name=value,…" (sorted), or "absent". */
    @Operation
    public String get(@Param(name = "row") int row) {
        ByteString bytes = rows.getRow(INSTANCE, GETS[row]).getRow();
        if (bytes.isEmpty()) {
            return "absent";
        }
        Map<String, Long> columns = new TreeMap<>();
        for (Cell c : PlainBufferCodec.decodeSingleRow(bytes.toByteArray()).cells()) {
            columns.put(c.name(), c.value().asLong());
        }
        return Model.describe(columns);
    }

    @Test
    @DisabledIfSystemProperty(named = "tunnelstore.lincheck", matches = "false")
    void rowOperationsAreLinearizable() {
        options().check(RowServiceLincheckTest.class);
    }

    /**
     * The check can fail: the same options against {@link InMemoryRowEngine} with the original bug (version time
     * taken before the row lock) must report a non-linearizable execution.
     */
    @Test
    @DisabledIfSystemProperty(named = "tunnelstore.lincheck", matches = "false")
    void catchesVersionTimeTakenBeforeTheRowLock() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> options().check(VersionTimeBeforeLock.class));
        assertTrue(String.valueOf(failure.getMessage()).contains("Invalid execution results"),
                () -> "expected a non-linearizable execution, got: " + failure.getMessage());
    }

    /** The row service on the mutant engine that takes its version time before the row lock. */
    @Param(name = "row", gen = IntGen.class, conf = "0:1")
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static final class VersionTimeBeforeLock extends RowServiceLincheckTest {
        @Override
        boolean takesVersionTimeBeforeLock() {
            return true;
        }
    }

    /** Whether the engine has the original bug; only {@link VersionTimeBeforeLock} says yes. */
    boolean takesVersionTimeBeforeLock() {
        return false;
    }

    static ModelCheckingOptions options() {
        ModelCheckingOptions options = new ModelCheckingOptions()
                // random scenarios: -Dlincheck.iterations / -Dlincheck.invocations / -Dlincheck.actors
                .iterations(Integer.getInteger("lincheck.iterations", RANDOM_ITERATIONS))
                .invocationsPerIteration(Integer.getInteger("lincheck.invocations", INVOCATIONS))
                .threads(2)
                .actorsPerThread(Integer.getInteger("lincheck.actors", 2))
                .actorsBefore(1)
                .actorsAfter(1)
                .sequentialSpecification(Model.class)
                // request and response encoding keeps no shared state: no thread switches inside it, so the
                // explored switch points are those of the row service, the engine, its locks and the clock
                .addGuarantee(forClasses(RowServiceLincheckTest::isStatelessCodec).allMethods().ignore());
        for (ExecutionScenario scenario : targetedScenarios()) {
            options.addCustomScenario(scenario);
        }
        // Lincheck instruments each class on its first call inside the checked section (protobuf, codecs); on a
        // loaded machine that first invocation alone can exceed its default hang-detection timeout
        options.invocationTimeout$lincheck(600_000);
        return options;
    }

    private static final int RANDOM_ITERATIONS = 0;
    private static final int INVOCATIONS = 100;

    private static boolean isStatelessCodec(String className) {
        String name = className.replace('/', '.');
        return name.startsWith("com.google.protobuf.") || name.startsWith("io.tunnelstore.protocol.");
    }

    /**
     * Scenarios on one row, explored before the random ones. The first is two increments from two threads, then a
     * read: the interleaving that loses an increment when a request's version time is taken before it holds the row
     * lock (it reads the row under the lock but writes below the other thread's newer version). The others mix a
     * put, a compare-and-set, a delete and reads with an increment.
     */
    static List<ExecutionScenario> targetedScenarios() {
        Actor increment = actor("increment", 0);
        Actor get = actor("get", 0);
        return List.of(
                new ExecutionScenario(List.of(), List.of(List.of(increment), List.of(increment)), List.of(get), null),
                new ExecutionScenario(List.of(actor("put", 0, 1)),
                        List.of(List.of(actor("compareAndSet", 0, 1), actor("delete", 0)), List.of(increment)),
                        List.of(get), null));
    }

    private static Actor actor(String name, Object... args) {
        for (Method m : RowServiceLincheckTest.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                return new Actor(m, List.of(args), false, false, false, false, false);
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static Condition ignore() {
        return Condition.newBuilder().setRowExistence(RowExistenceExpectation.IGNORE).build();
    }

    private static PrimaryKey key(int row) {
        return PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofLong(row)));
    }

    private static ByteString rowChange(int row, Cell cell) {
        return ByteString.copyFrom(PlainBufferCodec.encodeRow(PlainRow.of(key(row), List.of(cell))));
    }

    /** The sequential specification: each row is a map of column to value, or absent. */
    public static final class Model {
        private final Map<Integer, Map<String, Long>> rows = new HashMap<>();

        public void put(int row, int value) {
            Map<String, Long> columns = new TreeMap<>();
            columns.put("v", (long) value);
            rows.put(row, columns); // PutRow replaces the row
        }

        public long increment(int row) {
            Map<String, Long> columns = rows.computeIfAbsent(row, r -> new TreeMap<>());
            long n = columns.getOrDefault("n", 0L) + 1;
            columns.put("n", n);
            return n;
        }

        public boolean compareAndSet(int row, int value) {
            Map<String, Long> columns = rows.get(row);
            if (columns == null || columns.get("v") == null || columns.get("v") != value) {
                return false;
            }
            columns.put("v", value + 1L);
            return true;
        }

        public void delete(int row) {
            rows.remove(row);
        }

        public String get(int row) {
            Map<String, Long> columns = rows.get(row);
            return columns == null ? "absent" : describe(columns);
        }

        static String describe(Map<String, Long> columns) {
            StringBuilder b = new StringBuilder();
            columns.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
            return b.toString();
        }
    }
}
