package io.minbus.bench.harness;

/**
 * Where a scenario's processes may run. On these small VMs it decides one-channel latency more
 * than anything else: a hand-off between processes on one CPU is a context switch; between CPUs it
 * is a wake-up of the other (often idle, halted) vCPU.
 */
public enum Placement {
    /** No pinning: the scheduler places every process (the table shows "any"). */
    ANY("any", ""),
    /** Every process under {@code taskset} on the last CPU. */
    ONE_CPU("one", "@one-cpu"),
    /** The driver on CPU 0, every other process (servers, relays, brokers) on the last CPU. */
    SPLIT("split", "@split");

    private final String label;
    private final String suffix;

    Placement(String label, String suffix) {
        this.label = label;
        this.suffix = suffix;
    }

    /** As the table's "CPUs" column shows it. */
    public String label() {
        return label;
    }

    /** Appended to a scenario's name to make its id, e.g. {@code c/relay@split}. */
    public String suffix() {
        return suffix;
    }
}
