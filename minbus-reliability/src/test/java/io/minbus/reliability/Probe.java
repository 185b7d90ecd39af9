package io.minbus.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Resource figures of this JVM: open file descriptors, platform threads, heap used. */
final class Probe {
    private Probe() {
    }

    static long fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Live platform threads, except the JDK's and the test tools' own pools that come and go on their
     * own (virtual-thread carriers, unblocker and unparkers, process reapers, Awaitility's poller, attach/JIT service threads)
     * and the SDK's pool of handler threads ({@code minbus-handler-N}: at most {@code
     * minbus.client.platformHandlers}, 4 by default, for the whole process; idle ones end after 30 s).
     */
    static int threads() {
        return threadNames().size();
    }

    /** The names of the threads {@link #threads()} counts, sorted. */
    static java.util.List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> !(n.startsWith("ForkJoinPool") || n.startsWith("process reaper") || n.startsWith("awaitility")
                        || n.equals("Attach Listener") || n.contains("CompilerThread") || n.startsWith("InnocuousThread")
                        || n.startsWith("Common-Cleaner") || n.equals("VirtualThread-unblocker") || n.startsWith("VirtualThread-unparker")
                        || n.startsWith("minbus-handler-")))
                .sorted().toList();
    }

    /** All live platform threads (ThreadMXBean), for the record. */
    static int allThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Heap in use after a full GC (best effort: System.gc() twice). */
    static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long seed(String name) {
        Long s = Long.getLong("minbus.seed");
        long seed = s != null ? s : System.nanoTime();
        System.out.println(name + " seed " + seed + " (rerun with -Dminbus.seed=" + seed + ")");
        return seed;
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
