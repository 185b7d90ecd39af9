package io.minbus.mux;

/** Seeds for randomised tests: printed, and overridable with {@code -Dminbus.seed=N}. */
final class TestSeeds {
    private TestSeeds() {}

    static long seed(String test) {
        String fixed = System.getProperty("minbus.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (rerun with -Dminbus.seed=" + seed + ")");
        return seed;
    }
}
