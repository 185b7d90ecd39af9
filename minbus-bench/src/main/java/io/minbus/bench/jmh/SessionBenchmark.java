package io.minbus.bench.jmh;

import io.minbus.mux.Session;
import io.minbus.mux.SessionConfig;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two sessions over an in-memory transport; the benchmark thread sends top-level messages and a
 * background thread receives them: the blocking API's throughput, including the reader thread, the
 * credit window and write coalescing. The score is messages per microsecond.
 * Run: {@code java -jar minbus-bench/target/benchmarks.jar Session}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionBenchmark {
    @Param({"64", "65536"})
    public int size;

    private Session a;
    private Session b;
    private ByteBuffer message;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Transport[] pair = Transports.inMemoryPair(256 * 1024);
        SessionConfig config = SessionConfig.builder().window(1 << 20).build();
        CompletableFuture<Session> other = CompletableFuture.supplyAsync(() -> Session.start(pair[1], config));
        a = Session.start(pair[0], config);
        b = other.get(10, TimeUnit.SECONDS);
        message = ByteBuffer.allocate(size);
        Thread drain = new Thread(() -> {
            try {
                while (true) {
                    b.receive();
                }
            } catch (RuntimeException closed) {
                // the session was closed by tearDown
            }
        }, "drain");
        drain.setDaemon(true);
        drain.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    public void send() {
        a.send(message.duplicate());
    }
}
