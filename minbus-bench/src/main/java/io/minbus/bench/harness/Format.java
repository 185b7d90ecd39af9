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
}
