package io.minbus.identity.internal;

import io.minbus.identity.BoxStreamException;
import io.minbus.identity.Identity;
import io.minbus.identity.SecureTransport;
import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Box-stream over another transport. Writers take {@link #writeLock} for encrypting and writing,
 * so the nonce order is the order on the wire; the reader takes {@link #readLock}. No monitor is
 * held while blocking. Plaintext of gathering writes is packed into boxes of up to 4096 bytes, and
 * up to {@link #BOXES_PER_WRITE} boxes go to the inner transport in one write.
 */
public final class BoxStreamTransport implements SecureTransport {

    private static final int BOXES_PER_WRITE = 8;
    private static final int CIPHERTEXT_BUFFER_BYTES = 32 * 1024;
    /** How long {@link #close()} lets the goodbye take before closing the connection regardless. */
    private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(1);

    private final Transport inner;
    private final Identity local;
    private final Identity peer;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ReentrantLock writeLock = new ReentrantLock();
    private final BoxEncoder encoder;
    private final byte[] plaintextOut = new byte[BoxStream.MAX_BODY_BYTES];
    private final byte[] ciphertextOut = new byte[BOXES_PER_WRITE * BoxStream.MAX_BOX_BYTES];
    private boolean outputShutDown; // guarded by writeLock

    private final ReentrantLock readLock = new ReentrantLock();
    private final BoxDecoder decoder;
    private final ByteBuffer ciphertextIn = ByteBuffer.allocate(CIPHERTEXT_BUFFER_BYTES).flip();
    private ByteBuffer plaintextIn = ByteBuffer.allocate(0);
    private boolean inputEnded;
    private TransportException inputFailure;

    /** Wraps {@code inner} with the given session keys (copied). */
    public BoxStreamTransport(Transport inner, Identity local, Identity peer, byte[] encryptKey, byte[] encryptNonce,
            byte[] decryptKey, byte[] decryptNonce) {
        this.inner = inner;
        this.local = local;
        this.peer = peer;
        this.description = inner.description() + "~shs:" + peer.base64();
        this.encoder = new BoxEncoder(encryptKey, encryptNonce);
        this.decoder = new BoxDecoder(decryptKey, decryptNonce, description);
    }

    @Override
    public int read(ByteBuffer dst) {
        if (!dst.hasRemaining()) {
            return 0;
        }
        readLock.lock();
        try {
            while (true) {
                if (plaintextIn.hasRemaining()) {
                    int n = Math.min(dst.remaining(), plaintextIn.remaining());
                    dst.put(dst.position(), plaintextIn, plaintextIn.position(), n);
                    dst.position(dst.position() + n);
                    plaintextIn.position(plaintextIn.position() + n);
                    return n;
                }
                if (inputEnded || closed.get()) {
                    return -1;
                }
                if (inputFailure != null) {
                    throw inputFailure;
                }
                decodeOrFill();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Decodes the next box if it has arrived, else reads more ciphertext. */
    private void decodeOrFill() {
        int result;
        try {
            result = decoder.decode(ciphertextIn);
        } catch (BoxStreamException e) {
            throw failInput(e);
        }
        if (result >= 0) {
            plaintextIn = decoder.plaintext();
            return;
        }
        if (result == BoxDecoder.END) {
            inputEnded = true;
            return;
        }
        ciphertextIn.compact();
        int n;
        try {
            n = inner.read(ciphertextIn);
        } finally {
            ciphertextIn.flip();
        }
        if (n < 0 && !closed.get()) {
            throw failInput(new BoxStreamException(description + " ended without the box-stream goodbye:"
                    + " the data may have been cut short (the peer crashed, or someone ended the connection)"));
        }
    }

    private TransportException failInput(BoxStreamException e) {
        inputFailure = e;
        inner.close();
        return e;
    }

    @Override
    public void write(ByteBuffer... srcs) {
        writeLock.lock();
        try {
            if (closed.get()) {
                throw new TransportException("cannot write to " + description + ": it is closed");
            }
            if (outputShutDown) {
                throw new TransportException("cannot write to " + description + ": its output was shut down");
            }
            int staged = 0;
            int sealed = 0;
            for (ByteBuffer src : srcs) {
                while (src.hasRemaining()) {
                    int n = Math.min(src.remaining(), plaintextOut.length - staged);
                    src.get(plaintextOut, staged, n);
                    staged += n;
                    if (staged == plaintextOut.length) {
                        sealed = sealStaged(staged, sealed);
                        staged = 0;
                    }
                }
            }
            if (staged > 0) {
                sealed = sealStaged(staged, sealed);
            }
            if (sealed > 0) {
                writeInner(sealed);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Seals the staged plaintext as one box after {@code sealed} bytes; flushes when full. */
    private int sealStaged(int staged, int sealed) {
        if (sealed + BoxStream.MAX_BOX_BYTES > ciphertextOut.length) {
            writeInner(sealed);
            sealed = 0;
        }
        return sealed + encoder.seal(plaintextOut, 0, staged, ciphertextOut, sealed);
    }

    private void writeInner(int length) {
        try {
            inner.write(ByteBuffer.wrap(ciphertextOut, 0, length));
        } catch (TransportException e) {
            throw new TransportException("cannot write to " + description + ": " + e.getMessage(), e.getCause());
        }
    }

    @Override
    public void shutdownOutput() {
        writeLock.lock();
        try {
            if (closed.get() || outputShutDown) {
                return;
            }
            sendGoodbye();
            inner.shutdownOutput();
        } finally {
            writeLock.unlock();
        }
    }

    /** Under the write lock: sends the goodbye once; a peer that is gone is no error here. */
    private void sendGoodbye() {
        outputShutDown = true;
        int length = encoder.goodbye(ciphertextOut, 0);
        try {
            inner.write(ByteBuffer.wrap(ciphertextOut, 0, length));
        } catch (TransportException e) {
            // the peer is gone or the connection is closing; it cannot miss the goodbye more than that
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<SocketChannel> socketChannel() {
        return Optional.empty();
    }

    @Override
    public Optional<PeerCredentials> peerCredentials() {
        return inner.peerCredentials();
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && inner.isOpen();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (writeLock.tryLock()) { // a writer blocked on a stalled peer keeps the lock: skip the goodbye
            try {
                if (!outputShutDown) {
                    Deadline deadline = Deadline.arm(GOODBYE_TIMEOUT, inner::close);
                    try {
                        sendGoodbye();
                    } finally {
                        deadline.disarm();
                    }
                }
            } finally {
                writeLock.unlock();
            }
        }
        inner.close();
    }

    @Override
    public Identity peer() {
        return peer;
    }

    @Override
    public Identity local() {
        return local;
    }

    @Override
    public String toString() {
        return "SecureTransport[" + description + "]";
    }
}
