package io.tunnelstore.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.auth.OtsDates;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.AdminProtos;
import io.tunnelstore.protocol.pb.FilterProtos;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.RawHttpClient;
import io.tunnelstore.server.RawHttpClient.Response;
import io.tunnelstore.server.SignedRequests;
import io.tunnelstore.server.admin.AdminModule;
import io.tunnelstore.server.stream.StreamModule;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import io.tunnelstore.testsupport.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 9: a bounded mutation fuzz over every API action. Each request is correctly signed (so it reaches the
 * parser and the handler) and carries a protobuf body that is generated from the action's request descriptor with
 * values drawn from the live server's names (tables, tunnel, client and channel ids, valid PlainBuffer keys and
 * rows), then — most of the time — mutated at the byte level (bit flips, truncation, inserted or duplicated
 * slices, huge varints), sometimes deflate-compressed. The server must answer every one with a protocol error or a
 * success: no {@code 500 OTSInternalServerError}, no hang (socket time-out), and it must still serve afterwards.
 *
 * <p>Default: {@value #DEFAULT_REQUESTS} requests (about 160 per action, some 15 s). The long run:
 * {@code mvn -pl server -am test -Dtest=MutationFuzzTest -Dtunnelstore.fuzz.requests=200000
 * [-Dtunnelstore.fuzz.seed=N] -Dsurefire.failIfNoSpecifiedTests=false}; the seed is printed so a failure can be
 * replayed.
 */
class MutationFuzzTest {

    static final int DEFAULT_REQUESTS = 5000;
    private static final String AK = "fuzzAdminKey";
    private static final String SK = "fuzzAdminSecret";
    private static final String INSTANCE = "tunnelstore";
    private static final int THREADS = 4;
    private static final Duration HANG = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void everyActionAnswersMutatedSignedRequestsWithoutServerErrorsOrHangs() throws Exception {
        int requests = Integer.getInteger("tunnelstore.fuzz.requests", DEFAULT_REQUESTS);
        long seed = Long.getLong("tunnelstore.fuzz.seed", System.nanoTime());
        System.out.println("MutationFuzzTest: " + requests + " requests, seed " + seed
                + " (replay with -Dtunnelstore.fuzz.seed=" + seed + ")");
        ManualClock clock = ManualClock.startingNow(); // stands still: every date is inside the skew window
        TunnelServiceConfig tunnelConfig = TunnelServiceConfig.builder().longPollWait(Duration.ofMillis(50)).build();
        try (InProcessServer server = InProcessServer.builder(dir.resolve("data"))
                .instances(INSTANCE).adminKey(AK, SK).workerThreads(8)
                .configure(config -> config.clock(clock).handlerTimeout(Duration.ofSeconds(5))) // skew check stays on
                .module(AdminModule::new)
                .module(TableModule::new)
                .module(StreamModule::new)
                .module(ctx -> new TunnelModule(ctx, tunnelConfig))
                .start()) {
            Dictionary dictionary = seedServer(server.port(), clock);

            List<Action> actions = List.of(Action.values());
            Map<Action, AtomicInteger> sent = new EnumMap<>(Action.class);
            actions.forEach(a -> sent.put(a, new AtomicInteger()));
            Map<Action, java.util.concurrent.atomic.AtomicLong> millis = new EnumMap<>(Action.class);
            actions.forEach(a -> millis.put(a, new java.util.concurrent.atomic.AtomicLong()));
            Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Random random = new Random(seed + t);
                    int share = requests / THREADS + (t < requests % THREADS ? 1 : 0);
                    done.add(pool.submit(() -> {
                        RawHttpClient client = null;
                        try {
                            for (int i = 0; i < share && failures.size() < 20; i++) {
                                Action action = actions.get(random.nextInt(actions.size()));
                                Message seedMessage = new Generator(random, dictionary).message(requestType(action));
                                byte[] body = random.nextInt(10) < 7
                                        ? Mutator.mutate(random, seedMessage.toByteArray())
                                        : seedMessage.toByteArray();
                                boolean deflate = random.nextInt(20) == 0;
                                if (client == null) {
                                    client = new RawHttpClient(server.port());
                                }
                                sent.get(action).incrementAndGet();
                                Response response;
                                long startNanos = System.nanoTime();
                                try {
                                    response = send(client, action, body, deflate, clock);
                                    millis.get(action).addAndGet((System.nanoTime() - startNanos) / 1_000_000);
                                } catch (SocketTimeoutException e) {
                                    failures.add("HANG " + action.path() + " body=" + b64(body));
                                    client.close();
                                    client = null;
                                    continue;
                                }
                                String outcome = outcome(response);
                                outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                                if (response.status() >= 500 && !outcome.equals("OTSServerBusy")
                                        && !outcome.equals("OTSTimeout") || outcome.equals("OTSInternalServerError")
                                        || response.status() == 0) {
                                    failures.add(action.path() + " -> " + response.status() + " " + outcome
                                            + " deflate=" + deflate + " body=" + b64(body));
                                }
                                if ("close".equalsIgnoreCase(response.headers().get("connection"))) {
                                    client.close();
                                    client = null;
                                }
                            }
                        } catch (IOException e) {
                            failures.add("I/O error " + e);
                        } finally {
                            if (client != null) {
                                try {
                                    client.close();
                                } catch (IOException ignored) {
                                    // closing
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.println("MutationFuzzTest outcomes: " + outcomes);
            System.out.println("MutationFuzzTest milliseconds per action: " + millis);
            assertThat(failures).as("server errors and hangs (seed " + seed + ")").isEmpty();
            assertThat(sent.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(requests);
            if (requests >= 1000) {
                assertThat(sent).allSatisfy((action, count) -> assertThat(count.get()).as(action.path()).isPositive());
            }
            // Still serving, with the seeded data intact.
            try (RawHttpClient client = new RawHttpClient(server.port())) {
                Response listed = send(client, Action.LIST_TABLE,
                        TableProtos.ListTableRequest.getDefaultInstance().toByteArray(), false, clock);
                assertThat(listed.status()).isEqualTo(200); // (the fuzz may have deleted or created tables)
                TableProtos.ListTableResponse.parseFrom(listed.body());
            }
            assertThat(server.server().bufferedBodyBytes()).isZero();
        }
    }

    // ---------------------------------------------------------------- the live names the generator draws from

    /** Names and encodings that exist on the server, so generated requests get past "not found" now and then. */
    record Dictionary(List<String> strings, List<ByteString> bytes) {}

    private static Dictionary seedServer(int port, ManualClock clock) throws IOException {
        List<String> strings = new ArrayList<>(List.of("fuzz", "fuzz2", "t", "id", "v", "", "x".repeat(300),
                "ünï\u0000côde", "BaseData", "Stream", "BaseAndStream", "<b>x</b>\nforged log line",
                "n".repeat(70_000))); // issue 14 finding 6: a >= 64 KiB tunnel name gave a 500
        List<ByteString> bytes = new ArrayList<>();
        try (RawHttpClient client = new RawHttpClient(port)) {
            TableProtos.TableMeta meta = TableProtos.TableMeta.newBuilder().setTableName("fuzz")
                    .addPrimaryKey(TableProtos.PrimaryKeySchema.newBuilder().setName("id")
                            .setType(TableProtos.PrimaryKeyType.INTEGER))
                    .build();
            TableProtos.CreateTableRequest create = TableProtos.CreateTableRequest.newBuilder().setTableMeta(meta)
                    .setReservedThroughput(TableProtos.ReservedThroughput.newBuilder()
                            .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(0).setWrite(0)))
                    .setTableOptions(TableProtos.TableOptions.newBuilder().setTimeToLive(-1).setMaxVersions(1))
                    .setStreamSpec(TableProtos.StreamSpecification.newBuilder().setEnableStream(true)
                            .setExpirationTime(24))
                    .build();
            expectOk(send(client, Action.CREATE_TABLE, create.toByteArray(), false, clock));
            for (long id = 1; id <= 5; id++) {
                PrimaryKey pk = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id)));
                byte[] row = PlainBufferCodec.encodeRow(
                        PlainRow.of(pk, List.of(Cell.put("v", ColumnValue.ofString("v" + id)))));
                bytes.add(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(pk)));
                bytes.add(ByteString.copyFrom(row));
                TableProtos.PutRowRequest put = TableProtos.PutRowRequest.newBuilder().setTableName("fuzz")
                        .setRow(ByteString.copyFrom(row))
                        .setCondition(TableProtos.Condition.newBuilder()
                                .setRowExistence(TableProtos.RowExistenceExpectation.IGNORE))
                        .build();
                expectOk(send(client, Action.PUT_ROW, put.toByteArray(), false, clock));
            }
            Response tunnel = send(client, Action.TUNNEL_CREATE, TunnelProtos.CreateTunnelRequest.newBuilder()
                    .setTunnel(TunnelProtos.Tunnel.newBuilder().setTableName("fuzz").setTunnelName("t")
                            .setTunnelType(TunnelProtos.TunnelType.BaseAndStream))
                    .build().toByteArray(), false, clock);
            expectOk(tunnel);
            String tunnelId = TunnelProtos.CreateTunnelResponse.parseFrom(tunnel.body()).getTunnelId();
            strings.add(tunnelId);
            Response connect = send(client, Action.TUNNEL_CONNECT, TunnelProtos.ConnectRequest.newBuilder()
                    .setTunnelId(tunnelId).setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(300))
                    .build().toByteArray(), false, clock);
            expectOk(connect);
            String clientId = TunnelProtos.ConnectResponse.parseFrom(connect.body()).getClientId();
            strings.add(clientId);
            Response heartbeat = send(client, Action.TUNNEL_HEARTBEAT, TunnelProtos.HeartbeatRequest.newBuilder()
                    .setTunnelId(tunnelId).setClientId(clientId).build().toByteArray(), false, clock);
            expectOk(heartbeat);
            for (TunnelProtos.Channel channel : TunnelProtos.HeartbeatResponse.parseFrom(heartbeat.body())
                    .getChannelsList()) {
                strings.add(channel.getChannelId());
            }
            Response streams = send(client, Action.LIST_STREAM,
                    TableProtos.ListStreamRequest.newBuilder().setTableName("fuzz").build().toByteArray(), false,
                    clock);
            expectOk(streams);
            for (TableProtos.Stream stream : TableProtos.ListStreamResponse.parseFrom(streams.body())
                    .getStreamsList()) {
                strings.add(stream.getStreamId());
            }
        }
        bytes.add(FilterProtos.Filter.newBuilder().setType(FilterProtos.FilterType.FT_SINGLE_COLUMN_VALUE)
                .setFilter(FilterProtos.SingleColumnValueFilter.newBuilder()
                        .setComparator(FilterProtos.ComparatorType.CT_EQUAL).setColumnName("v")
                        .setColumnValue(ByteString.copyFrom(
                                PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofString("v1"))))
                        .setFilterIfMissing(false).setLatestVersionOnly(true).build().toByteString())
                .build().toByteString());
        bytes.add(ByteString.EMPTY);
        return new Dictionary(List.copyOf(strings), List.copyOf(bytes));
    }

    private static void expectOk(Response response) throws IOException {
        if (response.status() != 200) {
            throw new AssertionError("seeding failed: " + response.status() + " "
                    + TableProtos.Error.parseFrom(response.body()));
        }
    }

    // ---------------------------------------------------------------- requests

    static Message requestType(Action action) {
        return switch (action) {
            case CREATE_TABLE -> TableProtos.CreateTableRequest.getDefaultInstance();
            case DELETE_TABLE -> TableProtos.DeleteTableRequest.getDefaultInstance();
            case LIST_TABLE -> TableProtos.ListTableRequest.getDefaultInstance();
            case DESCRIBE_TABLE -> TableProtos.DescribeTableRequest.getDefaultInstance();
            case UPDATE_TABLE -> TableProtos.UpdateTableRequest.getDefaultInstance();
            case PUT_ROW -> TableProtos.PutRowRequest.getDefaultInstance();
            case UPDATE_ROW -> TableProtos.UpdateRowRequest.getDefaultInstance();
            case DELETE_ROW -> TableProtos.DeleteRowRequest.getDefaultInstance();
            case GET_ROW -> TableProtos.GetRowRequest.getDefaultInstance();
            case BATCH_GET_ROW -> TableProtos.BatchGetRowRequest.getDefaultInstance();
            case BATCH_WRITE_ROW -> TableProtos.BatchWriteRowRequest.getDefaultInstance();
            case GET_RANGE -> TableProtos.GetRangeRequest.getDefaultInstance();
            case COMPUTE_SPLIT_POINTS_BY_SIZE -> TableProtos.ComputeSplitPointsBySizeRequest.getDefaultInstance();
            case LIST_STREAM -> TableProtos.ListStreamRequest.getDefaultInstance();
            case DESCRIBE_STREAM -> TableProtos.DescribeStreamRequest.getDefaultInstance();
            case GET_SHARD_ITERATOR -> TableProtos.GetShardIteratorRequest.getDefaultInstance();
            case GET_STREAM_RECORD -> TableProtos.GetStreamRecordRequest.getDefaultInstance();
            case TUNNEL_CREATE -> TunnelProtos.CreateTunnelRequest.getDefaultInstance();
            case TUNNEL_DELETE -> TunnelProtos.DeleteTunnelRequest.getDefaultInstance();
            case TUNNEL_LIST -> TunnelProtos.ListTunnelRequest.getDefaultInstance();
            case TUNNEL_DESCRIBE -> TunnelProtos.DescribeTunnelRequest.getDefaultInstance();
            case TUNNEL_CONNECT -> TunnelProtos.ConnectRequest.getDefaultInstance();
            case TUNNEL_HEARTBEAT -> TunnelProtos.HeartbeatRequest.getDefaultInstance();
            case TUNNEL_SHUTDOWN -> TunnelProtos.ShutdownRequest.getDefaultInstance();
            case TUNNEL_GET_CHECKPOINT -> TunnelProtos.GetCheckpointRequest.getDefaultInstance();
            case TUNNEL_READ_RECORDS -> TunnelProtos.ReadRecordsRequest.getDefaultInstance();
            case TUNNEL_CHECKPOINT -> TunnelProtos.CheckpointRequest.getDefaultInstance();
            case TUNNEL_GET_RPO, TUNNEL_GET_RPO_BY_OFFSET -> TunnelProtos.GetRpoRequest.getDefaultInstance();
            case TUNNEL_SCHEDULE -> TunnelProtos.ScheduleRequest.getDefaultInstance();
            case ADMIN_MINT_CREDENTIALS -> AdminProtos.MintCredentialsRequest.getDefaultInstance();
            case ADMIN_CREATE_KEY -> AdminProtos.CreateAccessKeyRequest.getDefaultInstance();
            case ADMIN_LIST_KEYS -> AdminProtos.ListAccessKeysRequest.getDefaultInstance();
            case ADMIN_SET_KEY_ENABLED -> AdminProtos.SetAccessKeyEnabledRequest.getDefaultInstance();
            case ADMIN_DELETE_KEY -> AdminProtos.DeleteAccessKeyRequest.getDefaultInstance();
            case ADMIN_ROTATE_KEY -> AdminProtos.RotateAccessKeyRequest.getDefaultInstance();
            case ADMIN_CHECKPOINTS_SHOW, ADMIN_CHECKPOINTS_EXPORT -> AdminProtos.ShowCheckpointsRequest.getDefaultInstance();
            case ADMIN_CHECKPOINTS_SET -> AdminProtos.SetCheckpointRequest.getDefaultInstance();
            case ADMIN_CHECKPOINTS_REWIND -> AdminProtos.RewindCheckpointsRequest.getDefaultInstance();
            case ADMIN_CHECKPOINTS_RESET -> AdminProtos.ResetCheckpointsRequest.getDefaultInstance();
            case ADMIN_CHECKPOINTS_FORK -> AdminProtos.ForkTunnelRequest.getDefaultInstance();
            case ADMIN_CHECKPOINTS_IMPORT -> AdminProtos.ImportCheckpointsRequest.getDefaultInstance();
        };
    }

    private static Response send(RawHttpClient client, Action action, byte[] body, boolean deflate,
                                 ManualClock clock) throws IOException {
        byte[] wire = body;
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        if (deflate) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
                z.write(body);
            }
            wire = out.toByteArray();
        }
        Map<String, String> headers = SignedRequests.v2At(action.path(), INSTANCE, AK, SK, wire,
                OtsDates.format(clock.instant()));
        if (deflate) {
            // Compression headers are signed too: re-sign with them in place.
            headers.remove("x-ots-signature");
            headers.put("x-ots-request-compress-type", "deflate");
            headers.put("x-ots-request-compress-size", Integer.toString(body.length));
            headers.put("x-ots-signature", io.tunnelstore.protocol.auth.Signatures.signV2(SK,
                    io.tunnelstore.protocol.auth.Signatures.v2StringToSign(action.path(), headers)));
        }
        headers.putAll(extra);
        return client.exchange("POST", "/" + action.path(), headers, wire);
    }

    private static String outcome(Response response) {
        if (response.status() == 200) {
            return "OK";
        }
        try {
            String code = TableProtos.Error.parseFrom(response.body()).getCode();
            return code.isEmpty() ? "HTTP" + response.status() : code;
        } catch (IOException e) {
            return "HTTP" + response.status() + ":" + new String(response.body(), StandardCharsets.UTF_8);
        }
    }

    private static String b64(byte[] body) {
        return Base64.getEncoder().encodeToString(body);
    }

    // ---------------------------------------------------------------- generation and mutation

    /** Fills a message from its descriptor with values drawn from the dictionary and edge cases. */
    static final class Generator {
        private final Random random;
        private final Dictionary dictionary;

        Generator(Random random, Dictionary dictionary) {
            this.random = random;
            this.dictionary = dictionary;
        }

        Message message(Message prototype) {
            return fill(DynamicMessage.newBuilder(prototype.getDescriptorForType()), 0).buildPartial();
        }

        private DynamicMessage.Builder fill(DynamicMessage.Builder builder, int depth) {
            for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
                boolean set = field.isRequired() ? random.nextInt(20) != 0 : random.nextInt(3) != 0;
                if (!set || depth > 4) {
                    continue;
                }
                if (field.isRepeated()) {
                    int n = random.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        builder.addRepeatedField(field, value(field, depth));
                    }
                } else {
                    builder.setField(field, value(field, depth));
                }
            }
            return builder;
        }

        private Object value(FieldDescriptor field, int depth) {
            return switch (field.getJavaType()) {
                case INT -> pick(0, 1, -1, 2, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt());
                case LONG -> pick(0L, 1L, -1L, 5L, System.currentTimeMillis(), System.currentTimeMillis() * 1000,
                        Long.MAX_VALUE, Long.MIN_VALUE, random.nextLong());
                case FLOAT -> pick(0f, -1f, Float.NaN, Float.MAX_VALUE, random.nextFloat());
                case DOUBLE -> pick(0d, -1d, Double.NaN, Double.POSITIVE_INFINITY, random.nextDouble());
                case BOOLEAN -> random.nextBoolean();
                case STRING -> dictionary.strings().get(random.nextInt(dictionary.strings().size()));
                case BYTE_STRING -> random.nextInt(4) == 0 ? randomBytes()
                        : dictionary.bytes().get(random.nextInt(dictionary.bytes().size()));
                case ENUM -> {
                    List<EnumValueDescriptor> values = field.getEnumType().getValues();
                    yield values.get(random.nextInt(values.size()));
                }
                case MESSAGE -> fill(DynamicMessage.newBuilder(field.getMessageType()), depth + 1).buildPartial();
            };
        }

        private ByteString randomBytes() {
            byte[] b = new byte[random.nextInt(64)];
            random.nextBytes(b);
            return ByteString.copyFrom(b);
        }

        @SafeVarargs
        private <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }
    }

    /** Byte-level mutations of an encoded message. */
    static final class Mutator {
        private Mutator() {}

        static byte[] mutate(Random random, byte[] input) {
            byte[] b = input.clone();
            int rounds = 1 + random.nextInt(3);
            for (int r = 0; r < rounds; r++) {
                b = switch (random.nextInt(7)) {
                    case 0 -> flipBit(random, b);
                    case 1 -> setByte(random, b);
                    case 2 -> b.length == 0 ? b : java.util.Arrays.copyOf(b, random.nextInt(b.length));
                    case 3 -> insert(random, b, randomBytes(random, 1 + random.nextInt(16)));
                    case 4 -> duplicateSlice(random, b);
                    case 5 -> deleteSlice(random, b);
                    default -> insert(random, b, new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                            (byte) 0xff, 0x0f}); // field 1, length ~4 GiB
                };
            }
            return b;
        }

        private static byte[] flipBit(Random random, byte[] b) {
            if (b.length > 0) {
                int i = random.nextInt(b.length);
                b[i] ^= (byte) (1 << random.nextInt(8));
            }
            return b;
        }

        private static byte[] setByte(Random random, byte[] b) {
            if (b.length > 0) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            return b;
        }

        private static byte[] insert(Random random, byte[] b, byte[] piece) {
            int at = random.nextInt(b.length + 1);
            byte[] out = new byte[b.length + piece.length];
            System.arraycopy(b, 0, out, 0, at);
            System.arraycopy(piece, 0, out, at, piece.length);
            System.arraycopy(b, at, out, at + piece.length, b.length - at);
            return out;
        }

        private static byte[] duplicateSlice(Random random, byte[] b) {
            if (b.length == 0) {
                return b;
            }
            int from = random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from) + 1;
            return insert(random, b, java.util.Arrays.copyOfRange(b, from, to));
        }

        private static byte[] deleteSlice(Random random, byte[] b) {
            if (b.length == 0) {
                return b;
            }
            int from = random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from) + 1;
            byte[] out = new byte[b.length - (to - from)];
            System.arraycopy(b, 0, out, 0, from);
            System.arraycopy(b, to, out, from, b.length - to);
            return out;
        }

        private static byte[] randomBytes(Random random, int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }
    }
}
