package io.tunnelstore.bench;

import io.tunnelstore.bench.jmh.CodecBenchmarks;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Scenario 6: the JMH micro-benchmarks of {@link CodecBenchmarks}, throughput in operations per second. */
final class JmhScenario {
    static final String NAME = "jmh";

    private JmhScenario() {}

    static void run(BenchConfig config, BenchReport report) throws Exception {
        TimeValue time = TimeValue.milliseconds(config.jmhIterationTime().toMillis());
        Options options = new OptionsBuilder()
                .include(CodecBenchmarks.class.getName() + "\\.")
                .forks(config.jmhForks())
                .warmupIterations(1)
                .warmupTime(time)
                .measurementIterations(config.jmhIterations())
                .measurementTime(time)
                .timeUnit(TimeUnit.SECONDS)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            label = label.substring(label.lastIndexOf('.') + 1);
            report.add(NAME, label, "throughput", r.getPrimaryResult().getScore(), "ops/s");
        }
        report.check(NAME, "benchmarks that produced a score", 7, results.size());
    }
}
