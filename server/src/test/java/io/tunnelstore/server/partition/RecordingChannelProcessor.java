package io.tunnelstore.server.partition;

import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import java.util.ArrayList;
import java.util.List;

/** An official-SDK channel processor that keeps every record it is given, in delivery order. Thread-safe. */
final class RecordingChannelProcessor implements IChannelProcessor {

    /** One delivered record and the channel it came from. */
    record Received(String channelId, StreamRecord record) {
        long id() {
            return record.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong();
        }
    }

    private final List<Received> received = new ArrayList<>();

    @Override
    public void process(ProcessRecordsInput input) {
        synchronized (received) {
            for (StreamRecord r : input.getRecords()) {
                received.add(new Received(input.getChannelId(), r));
            }
        }
    }

    @Override
    public void shutdown() {
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
