package io.minbus.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values with units: durations ({@code 500ms}, {@code 10s}, {@code 2m}) and sizes ({@code 64k}, {@code 1g}). */
final class Units {
    private Units() {}

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            try {
                if (t.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                }
                if (t.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
                }
                if (t.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
                }
                if (t.endsWith("h")) {
                    return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
                }
                return Duration.ofSeconds(Long.parseLong(t));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a duration; write e.g. 500ms, 10s, 2m");
            }
        }
    }

    /** {@code 4096}, {@code 64k}, {@code 16m}, {@code 1g} (powers of 1024). */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.endsWith("b")) {
                t = t.substring(0, t.length() - 1);
            }
            long unit = 1;
            if (t.endsWith("k")) {
                unit = 1024;
            } else if (t.endsWith("m")) {
                unit = 1024 * 1024;
            } else if (t.endsWith("g")) {
                unit = 1024 * 1024 * 1024;
            }
            if (unit != 1) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                return Math.multiplyExact(Long.parseLong(t), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + text + "' is not a size; write e.g. 4096, 64k, 16m, 1g");
            }
        }
    }
}
