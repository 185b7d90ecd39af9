package io.minbus.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsAreContiguousAndWithinThreePercent() {
        int previous = -1;
        for (long v = 0; v < 5_000_000; v += v < 1000 ? 1 : 997) {
            int i = LatencyHistogram.index(v);
            assertThat(i).isGreaterThanOrEqualTo(previous);
            assertThat(LatencyHistogram.lowerBound(i)).isLessThanOrEqualTo(v);
            assertThat((double) v - LatencyHistogram.lowerBound(i)).isLessThanOrEqualTo(Math.max(0, v / 32.0));
            previous = i;
        }
        assertThat(LatencyHistogram.index(31)).isEqualTo(31);
        assertThat(LatencyHistogram.index(32)).isEqualTo(32);
        assertThat(LatencyHistogram.index(64)).isEqualTo(64);
        assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isLessThan(LatencyHistogram.SIZE);
    }

    @Test
    void percentilesOfAUniformSpread() {
        LatencyHistogram h = new LatencyHistogram();
        for (int us = 1; us <= 100; us++) {
            h.record(us * 1000L);
        }
        assertThat(h.count()).isEqualTo(100);
        assertThat(h.percentile(50)).isCloseTo(50_000, within(50_000 * 0.04));
        assertThat(h.percentile(99)).isCloseTo(99_000, within(99_000 * 0.04));
        assertThat(new LatencyHistogram().percentile(50)).isNaN();
    }

    @Test
    void theDriverProtocolFormatRoundTrips() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(10_500);
        h.record(10_600);
        h.record(2_000_000);
        RoundResult r = RoundResult.parse(new RoundResult(3, 1_000_000_000, 384, h).format());
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.opsPerSecond()).isEqualTo(3.0);
        assertThat(r.histogram().format()).isEqualTo(h.format());
        // the C drivers' line: same fields, empty histogram allowed
        assertThat(RoundResult.parse("result count=5 elapsed_ns=10 bytes=7 hist=").histogram().count()).isZero();
    }

    @Test
    void spreadIsMedianAndHalfRange() {
        Spread s = Spread.of(new double[] {10, 12, Double.NaN, 11});
        assertThat(s.median()).isEqualTo(11);
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.halfRangePercent()).isCloseTo(100.0 / 11, within(1e-9));
    }
}
