package io.minbus.bench.harness;

import java.util.Locale;

/** Number formats of the report. */
final class Format {

    static final String NONE = "—";

    private Format() {
    }

    /** A latency given in microseconds: "12.3 µs", "456 µs", "1.23 ms", "45.6 ms". */
    static String micros(double us) {
        if (Double.isNaN(us)) {
            return NONE;
        }
        if (us < 100) {
            return String.format(Locale.ROOT, "%.1f µs", us);
        }
        if (us < 1000) {
            return String.format(Locale.ROOT, "%.0f µs", us);
        }
        double ms = us / 1000;
        return String.format(Locale.ROOT, ms < 100 ? "%.2f ms" : "%.0f ms", ms);
    }

    /** Three significant digits with thousands separators: 95,100; 1,230,000; 12.3. */
    static String count(double v) {
        if (Double.isNaN(v)) {
            return NONE;
        }
        if (v < 100) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        double scale = Math.pow(10, Math.floor(Math.log10(v)) - 2);
        return String.format(Locale.ROOT, "%,.0f", Math.round(v / scale) * scale);
    }

    static String gigabytes(double bytesPerSecond) {
        if (Double.isNaN(bytesPerSecond)) {
            return NONE;
        }
        double gb = bytesPerSecond / 1e9;
        return String.format(Locale.ROOT, gb >= 0.1 ? "%.2f" : "%.4f", gb);
    }

    /** " ±4 %" after a median, or nothing with fewer than two rounds. */
    static String noise(Spread s) {
        double p = s.halfRangePercent();
        if (Double.isNaN(p)) {
            return "";
        }
        return String.format(Locale.ROOT, " ±%.0f%%", p);
    }

    static String ratio(Spread s) {
        if (s.isEmpty()) {
            return NONE;
        }
        return String.format(Locale.ROOT, s.median() >= 10 ? "%.0f×" : "%.2f×", s.median());
    }

    /**
     * An extra figure by its name: byte amounts (names with rss, heap, buffer, conn) as B/KiB/MiB,
     * nanosecond times (names ending in _p50 or _ns) as a latency, anything else as a count.
     */
    static String figure(String name, double v) {
        if (Double.isNaN(v)) {
            return NONE;
        }
        if (name.endsWith("_p50") || name.endsWith("_ns")) {
            return micros(v / 1000);
        }
        if (name.contains("rss") || name.contains("heap") || name.contains("buffer") || name.endsWith("_per_conn")) {
            if (Math.abs(v) >= 10 * 1024 * 1024) {
                return String.format(Locale.ROOT, "%.0f MiB", v / (1024 * 1024));
            }
            if (Math.abs(v) >= 10 * 1024) {
                return String.format(Locale.ROOT, "%.1f KiB", v / 1024);
            }
            return String.format(Locale.ROOT, "%.0f B", v);
        }
        return count(v);
    }
}
