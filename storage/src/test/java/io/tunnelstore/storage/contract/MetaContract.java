package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Metadata: get, prefix scans, and atomic, durable batches. */
public abstract class MetaContract extends EngineContractBase {

    private List<String> scan(String prefix) {
        return engine.scanMeta(prefix).stream().map(e -> e.key() + "=" + text(e.value())).toList();
    }

    @Test
    void putGetAndDelete() {
        assertThat(engine.getMeta("table/1")).isEmpty();
        engine.writeMeta(new MetaBatch().put("table/1", bytes("one")));
        assertThat(engine.getMeta("table/1").map(TestRows::text)).contains("one");
        engine.writeMeta(new MetaBatch().delete("table/1"));
        assertThat(engine.getMeta("table/1")).isEmpty();
    }

    @Test
    void scanMetaReturnsOnlyThePrefixInAscendingOrder() {
        engine.writeMeta(new MetaBatch()
                .put("tunnel/b", bytes("2"))
                .put("table/x", bytes("t"))
                .put("tunnel/a", bytes("1"))
                .put("tunnel", bytes("bare"))
                .put("tunnelz", bytes("z")));
        assertThat(scan("tunnel/")).containsExactly("tunnel/a=1", "tunnel/b=2");
        assertThat(scan("tunnel")).containsExactly("tunnel=bare", "tunnel/a=1", "tunnel/b=2", "tunnelz=z");
        assertThat(scan("")).hasSize(5);
        assertThat(scan("nothing")).isEmpty();
    }

    @Test
    void laterOpsOfABatchWin() {
        engine.writeMeta(new MetaBatch().put("k", bytes("1")).delete("k").put("j", bytes("1")).put("j", bytes("2")));
        assertThat(engine.getMeta("k")).isEmpty();
        assertThat(engine.getMeta("j").map(TestRows::text)).contains("2");
        engine.writeMeta(new MetaBatch()); // empty batch is a no-op
        assertThat(scan("")).containsExactly("j=2");
    }

    @Test
    void metaSurvivesReopen() {
        engine.writeMeta(new MetaBatch().put("checkpoint/c1", bytes("42")));
        reopen();
        assertThat(engine.getMeta("checkpoint/c1").map(TestRows::text)).contains("42");
    }

    @Test
    void readersNeverSeeHalfABatch() throws Exception {
        engine.writeMeta(new MetaBatch().put("pair/a", bytes("0")).put("pair/b", bytes("0")));
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int checks = 0;
            while (!stop.get()) {
                List<MetaEntry> pair = engine.scanMeta("pair/");
                assertThat(pair).hasSize(2);
                assertThat(text(pair.get(0).value())).isEqualTo(text(pair.get(1).value()));
                checks++;
            }
            return checks;
        });
        for (int i = 1; i <= 200; i++) {
            engine.writeMeta(new MetaBatch().put("pair/a", bytes("" + i)).put("pair/b", bytes("" + i)));
        }
        stop.set(true);
        assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(scan("pair/")).containsExactly("pair/a=200", "pair/b=200");
    }
}
