package io.minbus.reliability;

import io.minbus.protocol.Registration;
import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkReader;
import io.minbus.wire.ChunkType;
import io.minbus.wire.ChunkWriter;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import io.minbus.wire.PreambleReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/** A hand-driven peer over a real TCP socket: raw bytes and chunks out, chunks in, end of stream seen. */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final PreambleReader preambleReader = new PreambleReader();
    private final ChunkReader chunkReader = new ChunkReader(Limits.DEFAULT_FRAME);
    private final Deque<Chunk> inbox = new ArrayDeque<>();
    private boolean preambleSeen;
    private boolean eof;

    RawPeer(InetSocketAddress address) {
        try {
            socket = new Socket();
            socket.connect(address, 10_000);
            socket.setSoTimeout(100);
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Preamble, server preamble, top-level credit 16, the registration; returns after the result 00. */
    static RawPeer registered(InetSocketAddress address, String name) {
        RawPeer p = new RawPeer(address);
        p.raw(Preamble.ours(Limits.defaults()).encode());
        p.send(Chunk.credit(ChunkType.OUT_STREAM, 0, 16));
        p.send(Chunk.payload(ChunkType.OUT_SINK, 0, Registration.named(name, 1).encode()));
        Chunk result = p.next(c -> c.type() == ChunkType.OUT_SINK && c.id() == 0 && c.payload().remaining() > 0, 10_000);
        if (result == null || result.payload().get(0) != 0) {
            throw new IllegalStateException("not registered: " + result);
        }
        return p;
    }

    void raw(ByteBuffer bytes) {
        try {
            byte[] a = new byte[bytes.remaining()];
            bytes.get(a);
            socket.getOutputStream().write(a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void send(Chunk chunk) {
        raw(ChunkWriter.encode(chunk));
    }

    /** Sends, returning false instead of failing if the server closed the connection already. */
    boolean trySend(Chunk chunk) {
        try {
            send(chunk);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** The next chunk matching, reading for up to {@code millis}; null on end of stream or time-out. */
    Chunk next(java.util.function.Predicate<Chunk> match, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            while (!inbox.isEmpty()) {
                Chunk c = inbox.poll();
                if (match.test(c)) {
                    return c;
                }
            }
            if (eof || System.nanoTime() > deadline) {
                return null;
            }
            pump();
        }
    }

    /** Reads (discarding chunks) until end of stream; true if it came within {@code millis}. */
    boolean awaitEndOfStream(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!eof && System.nanoTime() < deadline) {
            pump();
            inbox.clear();
        }
        return eof;
    }

    private void pump() {
        byte[] buf = new byte[65536];
        int n;
        try {
            n = in.read(buf);
        } catch (SocketTimeoutException e) {
            return;
        } catch (IOException e) {
            eof = true; // reset by the server
            return;
        }
        if (n < 0) {
            eof = true;
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
        if (!preambleSeen) {
            if (preambleReader.feed(b).isEmpty()) {
                return;
            }
            preambleSeen = true;
        }
        chunkReader.feed(b, c -> inbox.add(new Chunk(c.type(), c.id(), c.flags(), copy(c.payload()), c.credit(), copy(c.end()))));
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
