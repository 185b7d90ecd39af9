package io.minbus.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * How busy the machine is with work that is not ours: the CPU time all processes used (from
 * {@code /proc/stat}) minus what the harness and its child processes used (from
 * {@code /proc/<pid>/stat}, children's reaped children included). On a shared 2-vCPU machine this is
 * the main source of noise, so every probe run records it and the report states it.
 */
final class CpuMeter {

    /** Jiffies: all CPUs busy, all CPUs total, ours. */
    record Sample(long busy, long total, long ours) {
    }

    private CpuMeter() {
    }

    static Sample sample() {
        long busy = 0;
        long total = 0;
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // cpu user nice system idle iowait irq softirq steal ...
            String[] f = cpu.trim().split("\\s+");
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Sample(0, 0, 0);
        }
        long ours = 0;
        try (Stream<ProcessHandle> tree = Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())) {
            for (ProcessHandle p : tree.toList()) {
                ours += processJiffies(p.pid());
            }
        }
        return new Sample(busy, total, ours);
    }

    /** utime + stime + cutime + cstime of a process, 0 if it is gone. */
    private static long processJiffies(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
            return List.of(11, 12, 13, 14).stream().mapToLong(i -> Long.parseLong(f[i])).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Share of the whole machine (all CPUs) used by other processes between two samples, 0..1; NaN if unknown. */
    static double background(Sample a, Sample b) {
        long total = b.total() - a.total();
        if (total <= 0) {
            return Double.NaN;
        }
        long other = (b.busy() - a.busy()) - (b.ours() - a.ours());
        return Math.max(0, Math.min(1, other / (double) total));
    }
}
