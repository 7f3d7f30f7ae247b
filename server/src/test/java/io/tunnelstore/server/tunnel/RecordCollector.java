package io.tunnelstore.server.tunnel;

import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An official-SDK channel processor that keeps every record it is given, with its channel id. Optionally holds
 * processing (blocks in {@code process}) once a number of records arrived, until {@link #resume()}: the test
 * controls exactly what the worker has consumed when it acts. Thread-safe.
 */
final class RecordCollector implements IChannelProcessor {

    /** One delivered record. */
    record Received(String channelId, StreamRecord record) {
        long id() {
            return record.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong();
        }
    }

    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger shutdowns = new AtomicInteger();
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile int holdAfter = Integer.MAX_VALUE;

    /** Makes {@code process} block, after storing a batch, once {@code n} records have arrived. */
    RecordCollector holdAfter(int n) {
        holdAfter = n;
        return this;
    }

    void resume() {
        resumed.countDown();
    }

    @Override
    public void process(ProcessRecordsInput input) {
        int size;
        synchronized (received) {
            for (StreamRecord r : input.getRecords()) {
                received.add(new Received(input.getChannelId(), r));
            }
            size = received.size();
        }
        if (size >= holdAfter) {
            try {
                resumed.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void shutdown() {
        shutdowns.incrementAndGet();
    }

    /** How often the worker closed a channel of this processor. */
    int shutdowns() {
        return shutdowns.get();
    }

    List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    int size() {
        synchronized (received) {
            return received.size();
        }
    }
}
