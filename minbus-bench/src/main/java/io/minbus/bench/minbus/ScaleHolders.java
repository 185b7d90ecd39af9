package io.minbus.bench.minbus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fills the bus of the scale scenario during set-up: records the bus's figures before (the baseline
 * for per-connection memory), starts {@link ScaleHolder} JVMs of 1,000 registered plugins each,
 * waits until all N are registered, writes {@code scale-fill.txt} (baseline RSS and heap, N, the
 * time it took) next to the sockets, prints {@code ready}, and ends the holders when stdin ends.
 *
 * <p>Usage: {@code ScaleHolders BUS_SOCKET STATS_SOCKET N FILL_FILE}
 */
public final class ScaleHolders {

    static final int PER_HOLDER = 1000;

    private ScaleHolders() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ScaleHolders BUS_SOCKET STATS_SOCKET N FILL_FILE");
            System.exit(2);
        }
        int n = Integer.parseInt(args[2]);
        Map<String, Double> baseline = BusStats.query(Path.of(args[1]), true);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        List<Process> holders = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0, left = n; left > 0; i++, left -= PER_HOLDER) {
            Process p = new ProcessBuilder(java, "-Xms64m", "-Xmx1g", "-XX:+UseG1GC", "-Xss256k", "-cp", cp,
                    ScaleHolder.class.getName(), args[0], "p" + i, Integer.toString(Math.min(PER_HOLDER, left)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            holders.add(p);
            outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        }
        for (BufferedReader r : outs) {
            String line = r.readLine();
            if (line == null || !line.startsWith("ready")) {
                holders.forEach(Process::destroy);
                throw new IOException("a plugin holder failed (its stderr is above): " + line);
            }
        }
        long elapsed = System.nanoTime() - t0;
        Files.writeString(Path.of(args[3]), String.format(Locale.ROOT, "plugins=%d elapsed_ns=%d rss=%.0f heap_used=%.0f connections=%.0f%n",
                n, elapsed, BusStats.get(baseline, "rss"), BusStats.get(baseline, "heap_used"), BusStats.get(baseline, "connections")));
        MinbusPeers.readyAndWaitForStdinEnd();
        holders.forEach(Process::destroy);
        System.exit(0);
    }
}
