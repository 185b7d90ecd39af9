package io.minbus.host.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in manifests ({@code 500ms}, {@code 5s}, {@code 2m}, {@code PT5S}) and in messages. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private Durations() {}

    /**
     * Parses {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h} or an ISO-8601 duration ({@code PT0.5S}).
     *
     * @throws IllegalArgumentException if the text is none of these or negative
     */
    public static Duration parse(String text) {
        String t = text.strip();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            long millis = switch (m.group(2)) {
                case "ms" -> Math.round(amount);
                case "s" -> Math.round(amount * 1_000);
                case "m" -> Math.round(amount * 60_000);
                default -> Math.round(amount * 3_600_000);
            };
            return Duration.ofMillis(millis);
        }
        try {
            Duration d = Duration.parse(t);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative duration");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected a duration like \"500ms\", \"5s\", \"2m\" or \"PT0.5S\", got \""
                    + text + "\"");
        }
    }

    /** Short human text: {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0) {
            return (ms / 60_000) + "m";
        }
        if (ms % 1_000 == 0) {
            return (ms / 1_000) + "s";
        }
        return (ms / 1_000.0) + "s";
    }
}
