package io.minbus.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {

    @Test
    void replacesOnlyTheGeneratedBlockAndShowsRatiosToTheLimit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Title\n\nhand-written\n\n" + MarkdownReport.BEGIN + "\nold numbers\n" + MarkdownReport.END + "\n\ntail\n");

        Results results = new Results(RunSettings.quickRun());
        Probe rtt = Probe.roundTrip(64, 1);
        Scenario limit = ProcessScenario.builder("c/direct", "C (limit)", "A↔B direct").limit("c/direct")
                .driver("client", (c, d) -> List.of()).probes(List.of(rtt)).build();
        Scenario other = ProcessScenario.builder("x/direct", "X", "A↔B direct").limit("c/direct")
                .driver("client", (c, d) -> List.of()).probes(List.of(rtt)).build();
        for (int round = 0; round < 2; round++) {
            results.series(limit, rtt).add(result(10_000, 100_000), 0.0, 0);
            results.series(other, rtt).add(result(30_000, 33_000), 0.0, 0);
        }
        new MarkdownReport(results, Map.of("date", "today"), "benchmarks-channels.svg").writeInto(file);

        String md = Files.readString(file);
        assertThat(md).startsWith("# Title\n\nhand-written\n\n" + MarkdownReport.BEGIN).endsWith(MarkdownReport.END + "\n\ntail\n")
                .doesNotContain("old numbers")
                // 10 µs and 30 µs land in buckets whose middles are 10.11 and 29.95 µs (within 3.1 %)
                .contains("| C (limit) | A↔B direct | 64 B round trip | any | 10.1 µs ±0% | 10.1 µs ±0% | 100,000 ±0% | 0.0128 | limit | limit |")
                .contains("| X | A↔B direct | 64 B round trip | any | 30.0 µs ±0% | 30.0 µs ±0% | 33,000 ±0% | 0.0042 | 2.96× | 0.33× |");
    }

    /** One second with {@code count} exchanges of exactly {@code nanos} each. */
    private static RoundResult result(long nanos, long count) {
        LatencyHistogram h = new LatencyHistogram();
        for (long i = 0; i < count; i++) {
            h.record(nanos);
        }
        return new RoundResult(count, 1_000_000_000L, count * 128, h);
    }
}
