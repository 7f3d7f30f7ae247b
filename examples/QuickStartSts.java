import io.tunnelstore.client.Credentials;
import io.tunnelstore.client.RefreshingCredentialsProvider;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelDaemon;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * Quick start with STS-style temporary credentials that are rotated while the worker runs.
 *
 * <p>Something outside this program (an STS agent, a sidecar, a cron job calling your identity service) keeps a
 * properties file up to date:
 * <pre>
 *   accessKeyId=STS.xxxx
 *   accessKeySecret=...
 *   securityToken=...
 *   expiration=2026-11-25T18:00:00Z      # optional, ISO-8601
 * </pre>
 * A {@link RefreshingCredentialsProvider} re-reads it every 30 minutes (and 5 minutes before {@code expiration}).
 * The provider is thread-safe: every request of the running clients and worker reads the current credentials
 * without blocking, refreshes never overlap, and a failed read keeps the last good credentials and retries after a
 * minute. Nothing has to be rebuilt when the credentials change.
 *
 * <pre>
 *   java -cp ... QuickStartSts http://127.0.0.1:8800 tunnelstore &lt;tunnel id&gt; /run/secrets/ots-sts.properties
 * </pre>
 */
public final class QuickStartSts {

    private QuickStartSts() {}

    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: QuickStartSts <endpoint> <instance> <tunnel id> <credentials file>");
            System.exit(2);
        }
        Path credentialsFile = Path.of(args[3]);

        // the first read happens in build(): a missing or malformed file fails right here
        try (RefreshingCredentialsProvider sts = RefreshingCredentialsProvider
                        .builder(() -> readCredentials(credentialsFile))
                        .refreshInterval(Duration.ofMinutes(30))
                        .refreshAheadOfExpiry(Duration.ofMinutes(5))
                        .retryDelay(Duration.ofMinutes(1))
                        .build();
                TunnelClient tunnels = TunnelClient.builder().endpoint(args[0]).instanceName(args[1])
                        .credentialsProvider(sts).build()) {
            TunnelWorkerConfig config = TunnelWorkerConfig.builder()
                    .processorFactory(SimpleProcessorFactory.of("sts-quick-start",
                            (ctx, records) -> records.forEach(r -> System.out.println(ctx.customValue() + " " + r))))
                    .build();
            TunnelDaemon daemon = new TunnelDaemon(tunnels, args[2], config);
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "sts-quick-start-stop"));
            daemon.run();
        }
    }

    /** Reads one set of credentials; throws (keeping the previous credentials in the provider) when incomplete. */
    static Credentials readCredentials(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read credentials from " + file, e);
        }
        String id = require(p, "accessKeyId", file);
        String secret = require(p, "accessKeySecret", file);
        String token = require(p, "securityToken", file);
        String expiration = p.getProperty("expiration");
        return expiration == null || expiration.isBlank()
                ? Credentials.of(id, secret, token)
                : Credentials.temporary(id, secret, token, Instant.parse(expiration.trim()));
    }

    private static String require(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("'" + key + "' is missing in " + file);
        }
        return v.trim();
    }
}
