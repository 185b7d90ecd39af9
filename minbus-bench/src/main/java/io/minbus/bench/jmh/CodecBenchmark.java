package io.minbus.bench.jmh;

import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkReader;
import io.minbus.wire.ChunkType;
import io.minbus.wire.ChunkWriter;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pure codec: encoding one data chunk, and decoding a buffer of {@value #BATCH} data chunks (as
 * one socket read would deliver them). Run: {@code java -jar minbus-bench/target/benchmarks.jar Codec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    static final int BATCH = 256;

    @Param({"64", "65536"})
    public int size;

    private Chunk chunk;
    private ByteBuffer out;
    private ByteBuffer wire;
    private ChunkReader reader;

    @Setup
    public void setUp() {
        chunk = Chunk.payload(ChunkType.OUT_SINK, 7, ByteBuffer.allocate(size));
        out = ByteBuffer.allocateDirect(ChunkWriter.size(chunk));
        wire = ByteBuffer.allocate(ChunkWriter.size(chunk) * BATCH);
        for (int i = 0; i < BATCH; i++) {
            ChunkWriter.write(wire, chunk);
        }
        wire.flip();
        reader = new ChunkReader(1 << 20);
    }

    @Benchmark
    public ByteBuffer encode() {
        out.clear();
        ChunkWriter.write(out, chunk);
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decode(Blackhole bh) {
        reader.feed(wire.duplicate(), bh::consume);
    }
}
