package io.minbus.bench.harness;

import java.util.Arrays;

/**
 * A log-linear latency histogram in nanoseconds, the same buckets as {@code bench_common.h}:
 * values below 32 have a bucket each; above, each power of two is split into 32 equal sub-buckets,
 * so a value is known to within 1/32 (3.1 %). Not thread-safe.
 */
public final class LatencyHistogram {

    static final int SUB_BITS = 5;
    static final int SUB = 1 << SUB_BITS;
    static final int SIZE = 64 * SUB;

    private final long[] counts = new long[SIZE];
    private long total;

    public static int index(long nanos) {
        if (nanos < SUB) {
            return (int) Math.max(0, nanos);
        }
        int e = 63 - Long.numberOfLeadingZeros(nanos);
        int shift = e - SUB_BITS;
        return (shift + 1) * SUB + (int) ((nanos >>> shift) & (SUB - 1));
    }

    /** Smallest value of a bucket. */
    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        return (long) (SUB + index % SUB) << shift;
    }

    /** Middle of a bucket: what a percentile in it is reported as. */
    static double middle(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        return lowerBound(index) + ((1L << shift) - 1) / 2.0;
    }

    public void record(long nanos) {
        counts[index(nanos)]++;
        total++;
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < SIZE; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    public void reset() {
        Arrays.fill(counts, 0);
        total = 0;
    }

    public long count() {
        return total;
    }

    /** The value at percentile {@code p} (0..100) in nanoseconds; NaN when empty. */
    public double percentile(double p) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return middle(i);
            }
        }
        return middle(SIZE - 1);
    }

    /** {@code index:count,...} for the non-empty buckets (the driver protocol's hist field). */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < SIZE; i++) {
            if (counts[i] != 0) {
                if (!b.isEmpty()) {
                    b.append(',');
                }
                b.append(i).append(':').append(counts[i]);
            }
        }
        return b.toString();
    }

    public static LatencyHistogram parse(String text) {
        LatencyHistogram h = new LatencyHistogram();
        if (text.isEmpty()) {
            return h;
        }
        for (String pair : text.split(",")) {
            int colon = pair.indexOf(':');
            int index = Integer.parseInt(pair.substring(0, colon));
            long count = Long.parseLong(pair.substring(colon + 1));
            if (index < 0 || index >= SIZE || count < 0) {
                throw new IllegalArgumentException("bad histogram bucket " + pair);
            }
            h.counts[index] += count;
            h.total += count;
        }
        return h;
    }
}
