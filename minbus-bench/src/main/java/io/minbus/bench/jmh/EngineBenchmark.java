package io.minbus.bench.jmh;

import io.minbus.mux.Half;
import io.minbus.mux.MuxEngine;
import io.minbus.mux.MuxListener;
import io.minbus.wire.Limits;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two session engines wired back to back with no I/O and no threads: the cost of the protocol
 * itself (scheduler, credit windows, codec, rule checks) per message. The receiver grants credit
 * back with the same refill rule the Session uses, so credit chunks are part of the cost.
 * Run: {@code java -jar minbus-bench/target/benchmarks.jar Engine}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {
    static final int MESSAGES = 64;

    @Param({"64", "65536"})
    public int size;

    @Param({"65536"})
    public int window;

    private MuxEngine sender;
    private MuxEngine receiver;
    private Half out;
    private Half in;
    private ByteBuffer message;
    private long consumed;

    @Setup
    public void setUp() {
        sender = new MuxEngine(Limits.defaults(), Limits.defaults(), 64 * 1024, new MuxListener() {}, "a");
        receiver = new MuxEngine(Limits.defaults(), Limits.defaults(), 64 * 1024, new MuxListener() {
            @Override
            public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
                consumed += fragment.remaining();
                fragment.position(fragment.limit());
            }
        }, "b");
        out = sender.top().writeHalf().orElseThrow();
        in = receiver.top().readHalf().orElseThrow();
        receiver.grant(in, window);
        pump(receiver, sender);
        message = ByteBuffer.allocate(size);
    }

    private static void pump(MuxEngine from, MuxEngine to) {
        while (from.hasOutput()) {
            to.receive(from.output());
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long messages() {
        for (int i = 0; i < MESSAGES; i++) {
            sender.send(out, message.duplicate());
            pump(sender, receiver);
            long outstanding = receiver.granted(in);
            long grantable = window - outstanding;
            if (grantable > 0 && grantable >= outstanding) {
                receiver.grant(in, grantable);
                pump(receiver, sender);
            }
        }
        return consumed;
    }
}
