package io.minbus.host.testing;

import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/** System.Logger records kept in memory, by logger name; optionally blocks every call until released. */
public final class RecordingLogger {

    /** One logged message. */
    public record Entry(String logger, System.Logger.Level level, String message) {}

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, System.Logger> loggers = new ConcurrentHashMap<>();
    private final CountDownLatch gate;
    private final CountDownLatch firstCall = new CountDownLatch(1);

    private RecordingLogger(boolean blocked) {
        gate = new CountDownLatch(blocked ? 1 : 0);
    }

    /** Records everything at once. */
    public static RecordingLogger open() {
        return new RecordingLogger(false);
    }

    /**
     * Blocks every call to a plugin's logger ({@code minbus.plugin.*}) until {@link #release()}: a
     * log sink that does not keep up at all.
     */
    public static RecordingLogger blocked() {
        return new RecordingLogger(true);
    }

    public void release() {
        gate.countDown();
    }

    /** Counts down at the first log call. */
    public CountDownLatch firstCall() {
        return firstCall;
    }

    public Function<String, System.Logger> factory() {
        return name -> loggers.computeIfAbsent(name, Logger::new);
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Messages logged to {@code minbus.plugin.<plugin>}. */
    public List<String> messages(String plugin) {
        return entries.stream().filter(e -> e.logger().equals("minbus.plugin." + plugin)).map(Entry::message).toList();
    }

    private final class Logger implements System.Logger {
        private final String name;

        Logger(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            record(level, msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            record(level, params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params));
        }

        private void record(Level level, String msg) {
            if (name.startsWith("minbus.plugin.")) {
                firstCall.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            entries.add(new Entry(name, level, msg));
        }
    }
}
