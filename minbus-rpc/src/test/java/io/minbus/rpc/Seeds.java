package io.minbus.rpc;

/** Seeds for randomised tests: printed, and fixed with {@code -Dminbus.seed=N}. */
public final class Seeds {

    private Seeds() {}

    /** A seed for {@code test}, printed so a failure can be replayed. */
    public static long seed(String test) {
        long seed = Long.getLong("minbus.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Dminbus.seed=" + seed + ")");
        return seed;
    }
}
