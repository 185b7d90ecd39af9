package io.minbus.bench.harness;

/** What a probe measures; {@link #keyword()} is its name in the driver protocol. */
public enum Workload {
    /** Request/response of {@code size} bytes each way, {@code concurrency} outstanding at a time. */
    ROUND_TRIP("rtt"),
    /** The same on long-lived streams (e.g. a gRPC bidi stream), one per outstanding exchange. */
    STREAM_ROUND_TRIP("stream"),
    /** One-way transfer of {@code size}-byte messages as fast as the receiver takes them. */
    BULK("bulk"),
    /** One-way messages of {@code size} bytes, no reply (minbus: notify rate). */
    ONE_WAY("oneway"),
    /** Start a process and wait for it to exit (or, for plugins, to register). */
    SPAWN("spawn"),
    /** Register {@code concurrency} plugins and list them (registry scale). */
    REGISTER("register");

    private final String keyword;

    Workload(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    /** The workload a limit is measured with: a stream round trip compares with a round trip. */
    public Workload comparable() {
        return this == STREAM_ROUND_TRIP ? ROUND_TRIP : this;
    }

    /** Whether a latency per operation is measured (else only a rate). */
    public boolean hasLatency() {
        return this != BULK && this != ONE_WAY;
    }
}
