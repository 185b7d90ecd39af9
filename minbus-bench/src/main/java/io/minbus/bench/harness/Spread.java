package io.minbus.bench.harness;

import java.util.Arrays;

/**
 * Median and range of one figure across rounds: how the report states a value and its noise.
 *
 * @param median the median across rounds (NaN when there is none)
 * @param min    smallest round
 * @param max    largest round
 * @param n      rounds that produced the figure
 */
public record Spread(double median, double min, double max, int n) {

    public static Spread of(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Spread(median, v[0], v[v.length - 1], v.length);
    }

    /** Half the range relative to the median, in percent: "±x %". NaN with fewer than two rounds. */
    public double halfRangePercent() {
        return n < 2 || median == 0 ? Double.NaN : (max - min) / 2 / Math.abs(median) * 100;
    }

    public boolean isEmpty() {
        return n == 0;
    }
}
