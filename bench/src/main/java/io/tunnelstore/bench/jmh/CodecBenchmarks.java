package io.tunnelstore.bench.jmh;

import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.table.KeyCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Micro-benchmarks of the per-row and per-request hot paths: PlainBuffer encode/decode of a 200-row batch (the body of
 * a BatchWriteRow / tunnel ReadRecords response), order-preserving key encoding, and request signing (V2 and V4).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
public class CodecBenchmarks {
    private List<PlainRow> rows;
    private byte[] encodedRows;
    private PrimaryKey compositeKey;
    private byte[] encodedKey;
    private Map<String, String> headers;
    private String signingKey;

    @Setup
    public void setUp() {
        rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            PrimaryKey pk = PrimaryKey.of(new PrimaryKeyColumn("id", ColumnValue.ofLong(i)));
            byte[] payload = new byte[100];
            payload[0] = (byte) i;
            rows.add(PlainRow.of(pk, List.of(Cell.put("v", ColumnValue.ofBinary(payload), 1_700_000_000_000L))));
        }
        encodedRows = PlainBufferCodec.encodeRows(rows);
        compositeKey = PrimaryKey.of(new PrimaryKeyColumn("tenant", ColumnValue.ofString("tenant-0042")),
                new PrimaryKeyColumn("id", ColumnValue.ofLong(123_456_789L)),
                new PrimaryKeyColumn("blob", ColumnValue.ofBinary(new byte[] {1, 0, 2, 0, 3})));
        encodedKey = KeyCodec.encode(compositeKey);
        headers = new TreeMap<>();
        headers.put("x-ots-date", "2026-11-25T12:00:00.000Z");
        headers.put("x-ots-apiversion", "2015-12-31");
        headers.put("x-ots-accesskeyid", "bench-ak");
        headers.put("x-ots-contentmd5", "1B2M2Y8AsgTpgAmY7PhCfg==");
        headers.put("x-ots-instancename", "bench");
        headers.put("x-ots-signdate", "20261125");
        headers.put("x-ots-signregion", "cn-hangzhou");
        signingKey = Signatures.v4SigningKey("bench-secret", "20261125", "cn-hangzhou");
    }

    @Benchmark
    public byte[] plainBufferEncode200Rows() {
        return PlainBufferCodec.encodeRows(rows);
    }

    @Benchmark
    public List<PlainRow> plainBufferDecode200Rows() {
        return PlainBufferCodec.decodeRows(encodedRows);
    }

    @Benchmark
    public byte[] keyEncode() {
        return KeyCodec.encode(compositeKey);
    }

    @Benchmark
    public int keyCompare() {
        return KeyCodec.compare(encodedKey, KeyCodec.successor(encodedKey));
    }

    @Benchmark
    public String signV2() {
        return Signatures.signV2("bench-secret", Signatures.v2StringToSign("BatchWriteRow", headers));
    }

    @Benchmark
    public String signV4WithKeyDerivation() {
        String key = Signatures.v4SigningKey("bench-secret", "20261125", "cn-hangzhou");
        return Signatures.signV4(key, Signatures.v4StringToSign("BatchWriteRow", headers));
    }

    @Benchmark
    public String signV4CachedKey() {
        return Signatures.signV4(signingKey, Signatures.v4StringToSign("BatchWriteRow", headers));
    }
}
