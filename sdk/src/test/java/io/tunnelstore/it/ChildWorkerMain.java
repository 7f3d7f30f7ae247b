package io.tunnelstore.it;

import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Entry point of the child JVMs of {@link ChildJvmWorkerIT}: one of OUR workers (client tag {@code child},
 * heartbeat 5 s, timeout 15 s, JVM-exit hook on) that appends to a file, flushed per line so the parent only reads
 * what really happened:
 * <pre>
 *   CONNECTED,&lt;clientId&gt;
 *   R,&lt;channel&gt;,&lt;id&gt;,&lt;type&gt;,&lt;seq&gt;     one per delivered record
 *   SHUTDOWN,&lt;channel&gt;   /   LOST,&lt;channel&gt;   ending callbacks
 * </pre>
 * Arguments: endpoint, access key id, secret, instance, tunnel id, output file, mode. Mode {@code block} runs until
 * killed; mode {@code exit} calls {@code System.exit(7)} (without closing the worker) when a line arrives on stdin.
 */
public final class ChildWorkerMain {
    static final int EXIT_CODE = 7;

    private ChildWorkerMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(args[5], true), true, StandardCharsets.UTF_8);
        TunnelClient client = TunnelClient.builder().endpoint(args[0]).instanceName(args[3])
                .credentials(args[1], args[2]).callTimeout(Duration.ofSeconds(20)).build();
        TunnelWorkerConfig config = TunnelWorkerConfig.builder()
                .heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(15))
                .checkpointInterval(Duration.ofSeconds(1))
                .clientTag("child")
                .listener(new WorkerListener() {
                    @Override
                    public void connected(String tunnelId, String clientId) {
                        line(out, "CONNECTED," + clientId);
                    }
                })
                .processorFactory(ctx -> new ChannelProcessor() {
                    @Override
                    public void process(ChannelContext context, List<StreamRecord> records) {
                        StringBuilder sb = new StringBuilder();
                        for (StreamRecord r : records) {
                            sb.append("R,").append(context.channelId()).append(',')
                                    .append(r.primaryKey().get(0).value().asLong()).append(',').append(r.type())
                                    .append(',').append(r.sequenceInfo().map(SequenceInfo::serialize).orElse("-"))
                                    .append('\n');
                        }
                        synchronized (out) {
                            out.print(sb);
                            out.flush();
                        }
                    }

                    @Override
                    public void onShutdown(ChannelContext context) {
                        line(out, "SHUTDOWN," + context.channelId());
                    }

                    @Override
                    public void onLost(ChannelContext context) {
                        line(out, "LOST," + context.channelId());
                    }
                })
                .build();
        TunnelWorker worker = new TunnelWorker(client, args[4], config);
        worker.start();
        if ("exit".equals(args[6])) {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            System.exit(EXIT_CODE);   // no close(): the SDK's exit hook must drain and shut the session down
        }
        Thread.currentThread().join();   // until killed
    }

    private static void line(PrintStream out, String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }
}
