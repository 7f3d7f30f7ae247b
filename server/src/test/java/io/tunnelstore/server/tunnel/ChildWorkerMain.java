package io.tunnelstore.server.tunnel;

import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of the child JVM of {@link WorkerFailoverIT}: one official worker (client tag {@code child},
 * heartbeat 5 s, timeout 10 s) that appends {@code channelId,id,type} for every record to a file (flushed per
 * batch, so what the parent reads was really delivered). Runs until killed.
 *
 * <p>Arguments: endpoint, access key id, secret, instance, tunnel id, output file.
 */
public final class ChildWorkerMain {
    private ChildWorkerMain() {}

    public static void main(String[] args) throws Exception {
        TunnelClient client = new TunnelClient(args[0], args[1], args[2], args[3]);
        PrintStream out = new PrintStream(new FileOutputStream(args[5], true), false, StandardCharsets.UTF_8);
        IChannelProcessor processor = new IChannelProcessor() {
            @Override
            public void process(ProcessRecordsInput input) {
                synchronized (out) {
                    for (StreamRecord r : input.getRecords()) {
                        out.println(input.getChannelId() + ","
                                + r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong() + ","
                                + r.getRecordType());
                    }
                    out.flush();
                }
            }

            @Override
            public void shutdown() {}
        };
        TunnelWorkerConfig config = new TunnelWorkerConfig(processor);
        config.setHeartbeatIntervalInSec(5);
        config.setHeartbeatTimeoutInSec(10);
        config.setClientTag("child");
        new TunnelWorker(args[4], client, config).connectAndWorking();
        System.out.println("child worker started");
        System.out.flush();
        Thread.currentThread().join(); // until killed
        throw new IOException("unreachable");
    }
}
