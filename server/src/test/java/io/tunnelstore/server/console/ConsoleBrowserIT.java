package io.tunnelstore.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.server.metrics.MonitoringServer;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.StreamSettings;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.testsupport.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import io.tunnelstore.server.tunnel.TunnelModule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (headless Debian chromium driven by Selenium): log in, open a tunnel that an
 * official worker is consuming, check its stage and channels against DescribeTunnel, and take a screenshot
 * ({@code server/<build dir>/screenshots/console.png}; also to the path in system property
 * {@code tunnelstore.console.screenshot} when set, which is how {@code docs/images/console.png} is made).
 *
 * <p>Skipped (JUnit assumption) when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing:
 * {@code apt-get install -y chromium chromium-driver}.
 */
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final String I = MonitoringServer.INSTANCE;

    @TempDir
    Path dataDir;
    @TempDir
    Path browserProfile;

    @BeforeAll
    static void needsChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Console browser test skipped: /usr/bin/chromium or /usr/bin/chromedriver is missing "
                        + "(apt-get install -y chromium chromium-driver)");
    }

    @Test
    void loginNavigateToATunnelAndSeeItsStageAndChannels() throws Exception {
        ConsoleModule[] console = new ConsoleModule[1];
        AtomicReference<TunnelModule> tunnelModule = new AtomicReference<>();
        try (MonitoringServer ots = new MonitoringServer(dataDir, tunnelModule, ctx -> {
            console[0] = new ConsoleModule(ctx, ConsoleSettings.defaults().withSampleInterval(Duration.ofMinutes(10)),
                    instance -> tunnelModule.get().tunnels(instance));
            return console[0];
        })) {
            createPartitionedTable(ots, "orders", 1000, 2000);
            for (long id = 0; id < 3000; id += 100) {
                ots.put("orders", id, "base-" + id);
            }
            String tunnelId = ots.tunnels.createTunnel(
                    new CreateTunnelRequest("orders", "orders-to-search", TunnelType.BaseAndStream)).getTunnelId();
            ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "audit-log", TunnelType.Stream));
            console[0].sampleNow();

            HoldingProcessor processor = new HoldingProcessor();
            TunnelWorkerConfig config = new TunnelWorkerConfig(processor);
            config.setHeartbeatIntervalInSec(5);
            config.setMaxRetryIntervalInMillis(200); // short idle back-off: live rows are consumed promptly
            config.setCheckpointIntervalInMillis(500);
            TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
            try {
                worker.connectAndWorking();
                await("base data consumed and the tunnel in ProcessStream", Duration.ofSeconds(60), () ->
                        processor.count() >= 30 && ots.tunnels.describeTunnel(
                                new DescribeTunnelRequest("orders", "orders-to-search")).getTunnelInfo().getStage()
                                == TunnelStage.ProcessStream);
                // a few minutes of live traffic, sampled every 5 s of server time, for the charts
                long id = 5000;
                int[] batches = {6, 9, 15, 12, 18, 21, 15, 24};
                int expected = processor.count();
                for (int n : batches) {
                    for (int k = 0; k < n; k++) {
                        ots.put("orders", id % 3000, "live-" + id); // spread over the three partitions
                        id += 37;
                    }
                    expected += n;
                    int want = expected;
                    await(want + " records consumed", Duration.ofSeconds(30), () -> processor.count() >= want);
                    ots.advance(Duration.ofSeconds(5));
                    console[0].sampleNow();
                }
                // the consumer stalls: its next batch blocks, so records pile up behind its checkpoints
                processor.holdNextBatch();
                for (int round = 0; round < 3; round++) {
                    for (int k = 0; k < 20; k++) {
                        ots.put("orders", id % 3000, "late-" + id);
                        id += 37;
                    }
                    ots.advance(Duration.ofSeconds(5));
                    console[0].sampleNow();
                }
                Map<String, String> statuses = new LinkedHashMap<>();
                String workerId = null;
                for (ChannelInfo c : ots.tunnels.describeTunnel(new DescribeTunnelRequest("orders",
                        "orders-to-search")).getChannelInfos()) {
                    statuses.put(c.getChannelId(), c.getChannelStatus().name());
                    workerId = c.getClientId().isEmpty() ? workerId : c.getClientId();
                }
                assertThat(statuses).hasSize(6);
                assertThat(statuses.values()).containsOnly("OPEN", "TERMINATED");

                browse(ots, tunnelId, statuses, workerId);
            } finally {
                processor.release();
                worker.shutdown();
                config.shutdown();
            }
        }
    }

    private void browse(MonitoringServer ots, String tunnelId, Map<String, String> statuses, String workerId)
            throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + browserProfile, "--window-size=1440,1100",
                "--force-device-scale-factor=1", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            driver.get(ots.server.endpoint() + "/console/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
            driver.findElement(By.id("accessKeyId")).sendKeys(MonitoringServer.AK);
            driver.findElement(By.id("accessKeySecret")).sendKeys("wrong-secret");
            driver.findElement(By.id("login-submit")).click();
            WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
            assertThat(error.getText()).startsWith("The access key id or secret is wrong");

            driver.findElement(By.id("accessKeySecret")).clear();
            driver.findElement(By.id("accessKeySecret")).sendKeys(MonitoringServer.SK);
            driver.findElement(By.id("login-submit")).click();
            // one instance: the console opens it directly and lists its tunnels and tables
            By tunnelLink = By.cssSelector("tr[data-tunnel-id='" + tunnelId + "'] a");
            wait.until(ExpectedConditions.elementToBeClickable(tunnelLink));
            assertThat(driver.findElements(By.cssSelector("tr[data-table='orders']"))).hasSize(1);
            assertThat(driver.findElement(By.cssSelector("tr[data-tunnel-id='" + tunnelId + "']")).getText())
                    .contains("orders-to-search", "BaseAndStream", "ProcessStream", "100%");
            driver.findElement(tunnelLink).click();

            WebElement stage = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("[data-testid='tunnel-stage']")));
            assertThat(stage.getText()).isEqualTo("ProcessStream");
            wait.until(d -> d.findElements(By.cssSelector("#channels tr[data-channel-id]")).size() == 6);
            Map<String, String> shown = new LinkedHashMap<>();
            for (WebElement row : driver.findElements(By.cssSelector("#channels tr[data-channel-id]"))) {
                shown.put(row.findElement(By.cssSelector(".channel-id")).getText(),
                        row.findElement(By.cssSelector(".channel-status")).getText());
            }
            assertThat(shown).isEqualTo(statuses);
            assertThat(driver.findElement(By.id("crumbs")).getText()).contains("orders-to-search");
            // the charts have drawn lines from the sampled history
            wait.until(d -> d.findElements(By.cssSelector(".chart svg path")).size() >= 3);

            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Path screenshots = Paths.get(System.getProperty("build.dir.name", "target"), "screenshots");
            Files.createDirectories(screenshots);
            Files.write(screenshots.resolve("console.png"), png);
            String docsCopy = System.getProperty("tunnelstore.console.screenshot");
            if (docsCopy != null && !docsCopy.isBlank()) {
                Files.createDirectories(Paths.get(docsCopy).toAbsolutePath().getParent());
                Files.write(Paths.get(docsCopy), png);
            }
            assertThat(png.length).isGreaterThan(10_000);

            // the clients page lists the worker that holds the stream channels
            driver.get(ots.server.endpoint() + "/console/#/i/" + I + "/clients");
            WebElement client = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("tr[data-client-id='" + workerId + "']")));
            assertThat(client.getText()).contains("orders-to-search", "Stream_1, Stream_2, Stream_3");

            checkpointPage(driver, wait, ots, tunnelId, statuses);
        } finally {
            driver.quit();
        }
    }

    /**
     * The tunnel's checkpoint page while the official worker is attached: the channel checkpoints, a reset previewed
     * (dry run: nothing changes, Apply only becomes possible now) and then applied, and the audit trail.
     */
    private static void checkpointPage(WebDriver driver, WebDriverWait wait, MonitoringServer ots, String tunnelId,
                                       Map<String, String> statuses) {
        driver.get(ots.server.endpoint() + "/console/#/i/" + I + "/tunnels/" + tunnelId);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("checkpoints-link"))).click();
        wait.until(d -> d.findElements(By.cssSelector("#checkpoints tr[data-channel-id]")).size() == 6);
        Map<String, String> shown = new LinkedHashMap<>();
        for (WebElement row : driver.findElements(By.cssSelector("#checkpoints tr[data-channel-id]"))) {
            shown.put(row.findElement(By.cssSelector(".channel-id")).getText(),
                    row.findElement(By.cssSelector(".channel-status")).getText());
        }
        assertThat(shown).isEqualTo(statuses);
        assertThat(driver.findElement(By.id("audit-empty")).getText()).isEqualTo("No checkpoint change or fork so far.");
        WebElement apply = driver.findElement(By.id("ckpt-apply-button"));
        assertThat(apply.isEnabled()).isFalse();

        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("ckpt-action"))).selectByValue("reset");
        driver.findElement(By.id("ckpt-preview-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("ckpt-message"), "Dry run"));
        // the three stream channels would move (a reset concerns stream channels only)
        assertThat(driver.findElements(By.cssSelector("#ckpt-changes tr[data-channel-id]")))
                .extracting(e -> e.getAttribute("data-channel-id"))
                .containsExactly("Stream_1", "Stream_2", "Stream_3");
        assertThat(driver.findElement(By.id("ckpt-message")).getText())
                .isEqualTo("Dry run: nothing changed yet. 3 channel(s) would change.");
        assertThat(driver.findElements(By.cssSelector("#history tr[data-kind]"))).isEmpty();
        assertThat(apply.isEnabled()).isTrue();

        apply.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("ckpt-message"), "Applied"));
        assertThat(driver.findElement(By.id("ckpt-message")).getText()).startsWith("Applied: 3 channel(s) changed.");
        assertThat(apply.isEnabled()).isFalse(); // a new change needs a new preview
        wait.until(d -> d.findElements(By.cssSelector("#history tr[data-kind='CHECKPOINT_RESET']")).size() == 3);
        assertThat(driver.findElements(By.cssSelector("#history tr[data-kind='CHECKPOINT_RESET']")))
                .allSatisfy(row -> assertThat(row.getText()).contains(MonitoringServer.AK));
        try {
            Path screenshots = Paths.get(System.getProperty("build.dir.name", "target"), "screenshots");
            Files.createDirectories(screenshots);
            Files.write(screenshots.resolve("console-checkpoints.png"),
                    ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A partitioned table straight into the catalog (the official SDK cannot send split points). */
    private static void createPartitionedTable(MonitoringServer ots, String name, long... splitIds) {
        TableProtos.TableMeta meta = TableProtos.TableMeta.newBuilder().setTableName(name)
                .addPrimaryKey(TableProtos.PrimaryKeySchema.newBuilder().setName("id")
                        .setType(TableProtos.PrimaryKeyType.INTEGER))
                .build();
        List<Partition> partitions = new ArrayList<>();
        ColumnValue lower = null;
        for (int i = 0; i <= splitIds.length; i++) {
            ColumnValue upper = i < splitIds.length ? ColumnValue.ofLong(splitIds[i]) : null;
            partitions.add(new Partition(i, lower, upper, i + 1));
            lower = upper;
        }
        ots.server.context().catalog().create(new TableDescriptor(I, 0, meta, -1, 1, 86_400,
                0, 0, 0, ots.clock.millis(), partitions, StreamSettings.DISABLED));
    }

    /** Polls an external worker: there is no event to wait on. */
    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    /** Counts records; can be told to block in its next batch (a stalled consumer) until released. */
    private static final class HoldingProcessor implements IChannelProcessor {
        private final AtomicInteger count = new AtomicInteger();
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean hold;

        @Override
        public void process(ProcessRecordsInput input) {
            if (hold) {
                try {
                    released.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            count.addAndGet(input.getRecords().size());
        }

        @Override
        public void shutdown() {}

        int count() {
            return count.get();
        }

        void holdNextBatch() {
            hold = true;
        }

        void release() {
            released.countDown();
        }
    }
}
