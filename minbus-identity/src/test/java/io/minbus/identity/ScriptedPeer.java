package io.minbus.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.identity.internal.Bytes;
import io.minbus.identity.internal.Ed25519;
import io.minbus.identity.internal.Hashes;
import io.minbus.identity.internal.SecretBox;
import io.minbus.identity.internal.ShsServer;
import io.minbus.identity.internal.X25519;
import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/** Plays one side of a handshake by hand, to send what a well-behaved peer never would. */
final class ScriptedPeer {

    /** What a scripted server computed but did not send yet. */
    record Recording(byte[] msg4) {}

    private final Transport transport;

    ScriptedPeer(Transport transport) {
        this.transport = transport;
    }

    Transport transport() {
        return transport;
    }

    static byte[] random(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    byte[] read(int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            assertThat(transport.read(buffer)).as("end of stream after %d of %d bytes", buffer.position(), length)
                    .isNotNegative();
        }
        return buffer.array();
    }

    void write(byte[] bytes) {
        transport.write(ByteBuffer.wrap(bytes));
    }

    /** Reads until end of stream; the number of bytes that came. */
    long readToEnd() {
        long total = 0;
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        int n;
        while ((n = transport.read(buffer.clear())) >= 0) {
            total += n;
        }
        return total;
    }

    /** Acts as an honest server up to msg4, which it returns instead of sending. */
    Recording serveUntilMsg4(NetworkKey network, Keys serverKeys, Random random) {
        ShsServer server = new ShsServer(network.bytes(), serverKeys.signingKey(), random(random, 32));
        write(server.hello(read(64)));
        server.verify(read(112));
        return new Recording(server.accept());
    }

    /** Acts as a client whose msg3 names {@code named} but is signed by {@code signer}. */
    void authenticateWithForgedSignature(NetworkKey network, Keys named, Keys signer, Identity server, Random random) {
        byte[] k = network.bytes();
        byte[] ephemeral = random(random, 32);
        byte[] ephemeralPublic = X25519.publicKey(ephemeral);
        write(Bytes.concat(Hashes.auth(k, ephemeralPublic), ephemeralPublic));
        byte[] msg2 = read(64);
        byte[] serverEphemeral = Arrays.copyOfRange(msg2, 32, 64);
        byte[] ab = X25519.sharedSecret(ephemeral, serverEphemeral);
        byte[] aB = X25519.sharedSecret(ephemeral, Ed25519.toX25519PublicKey(server.bytes()));
        byte[] signature = signer.sign(Bytes.concat(k, server.bytes(), Hashes.sha256(ab)));
        byte[] plaintext = Bytes.concat(signature, named.identity().bytes());
        write(SecretBox.seal(plaintext, new byte[24], Hashes.sha256(k, ab, aB)));
    }

    static Tap tap(Transport transport) {
        return new Tap(transport);
    }

    /** A transport that records what is written through it. */
    static final class Tap implements Transport {
        private final Transport inner;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();

        Tap(Transport inner) {
            this.inner = inner;
        }

        synchronized byte[] written(int offset, int length) {
            byte[] all = written.toByteArray();
            assertThat(all.length).as("bytes written").isGreaterThanOrEqualTo(offset + length);
            return Arrays.copyOfRange(all, offset, offset + length);
        }

        @Override
        public int read(ByteBuffer dst) {
            return inner.read(dst);
        }

        @Override
        public void write(ByteBuffer... srcs) {
            synchronized (this) {
                for (ByteBuffer src : srcs) {
                    ByteBuffer copy = src.duplicate();
                    byte[] bytes = new byte[copy.remaining()];
                    copy.get(bytes);
                    written.writeBytes(bytes);
                }
            }
            inner.write(srcs);
        }

        @Override
        public void shutdownOutput() {
            inner.shutdownOutput();
        }

        @Override
        public String description() {
            return inner.description();
        }

        @Override
        public Optional<SocketChannel> socketChannel() {
            return inner.socketChannel();
        }

        @Override
        public Optional<PeerCredentials> peerCredentials() {
            return inner.peerCredentials();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
