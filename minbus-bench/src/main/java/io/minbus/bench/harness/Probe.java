package io.minbus.bench.harness;

import java.util.Objects;

/**
 * One measurement point of a scenario: a workload at a message size and a concurrency (channels or
 * calls in flight), run by one of the scenario's drivers.
 *
 * @param workload    what is measured
 * @param concurrency how many channels (or calls in flight) run at once
 * @param size        payload bytes per message
 * @param label       what a reader sees in the table, e.g. "64 B round trip, 64 in flight"
 * @param driver      which driver process of the scenario runs it ("client" unless told)
 */
public record Probe(Workload workload, int concurrency, int size, String label, String driver) {

    public static final String DEFAULT_DRIVER = "client";

    public Probe {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(driver, "driver");
        if (concurrency < 1 || size < 0) {
            throw new IllegalArgumentException("concurrency >= 1 and size >= 0 needed: " + concurrency + ", " + size);
        }
    }

    public static Probe roundTrip(int size, int concurrency) {
        String label = bytes(size) + " round trip" + (concurrency == 1 ? "" : ", " + concurrency + " in flight");
        return new Probe(Workload.ROUND_TRIP, concurrency, size, label, DEFAULT_DRIVER);
    }

    public static Probe streamRoundTrip(int size, int concurrency) {
        String label = bytes(size) + " round trip on a stream" + (concurrency == 1 ? "" : ", " + concurrency + " in flight");
        return new Probe(Workload.STREAM_ROUND_TRIP, concurrency, size, label, DEFAULT_DRIVER);
    }

    public static Probe bulk(int size) {
        return new Probe(Workload.BULK, 1, size, bytes(size) + " bulk, one way", DEFAULT_DRIVER);
    }

    public static Probe spawn(String label) {
        return new Probe(Workload.SPAWN, 1, 0, label, DEFAULT_DRIVER);
    }

    public Probe withDriver(String name) {
        return new Probe(workload, concurrency, size, label, name);
    }

    /** Probes of different systems with the same key measure the same thing (see {@link Scenario#limit()}). */
    public String key() {
        return workload.comparable().keyword() + "/" + concurrency + "/" + size;
    }

    static String bytes(int size) {
        return size >= 1024 && size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
    }
}
