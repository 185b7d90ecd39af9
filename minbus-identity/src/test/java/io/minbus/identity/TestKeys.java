package io.minbus.identity;

import java.util.Random;

/** Seeded keys for tests; the seed is printed so a failure can be replayed. */
final class TestKeys {

    private TestKeys() {}

    /** The seed for this run: {@code -Dminbus.test.seed=N} to replay one; printed either way. */
    static long seed(String test) {
        long seed = Long.getLong("minbus.test.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Dminbus.test.seed=" + seed + ")");
        return seed;
    }

    static Keys keys(Random random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return Keys.fromSeed(seed);
    }

    static NetworkKey networkKey(Random random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return NetworkKey.of(key);
    }
}
