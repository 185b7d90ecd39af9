package io.minbus.client;

import static io.minbus.client.FakeBus.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.mux.IncomingRequest;
import io.minbus.mux.Sink;
import io.minbus.mux.Stream;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.transport.BusAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Registration (docs/minbus.md §4, §5) against a scripted bus. */
@Timeout(30)
class RegistrationTest {

    @Test
    void registersANameAndClosesPolitely() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("kv", 3);
            assertThat(p.info()).isEqualTo(new PluginInfo("kv", 3));
            assertThat(p.name()).isEqualTo("kv");
            assertThat(p.version()).isEqualTo(3);
            assertThat(p.bus()).isSameAs(f.client);
            assertThat(f.client.isOpen()).isTrue();
            f.client.close();
            // the disconnection message: a zero-length top-level message, then the end of the stream
            assertThat(f.bus.receive(FakeBus.WAIT).orElseThrow().remaining()).isZero();
            assertThat(f.client.isOpen()).isFalse();
            assertThatThrownBy(f.client::plugins).isInstanceOf(BusGoneException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void nameTakenIsTyped() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            CompletableFuture<Plugin> p = f.async(() -> f.client.register("kv", 1));
            f.expectRegistration();
            f.bus.send(RegistrationResult.refused(Reason.NAME_TAKEN).encode());
            f.bus.close();
            assertThatThrownBy(() -> done(p)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(NameTakenException.class)
                    .hasMessageContaining("\"kv\" is taken")
                    .satisfies(e -> assertThat(((NameTakenException) e).reason()).isEqualTo(Reason.NAME_TAKEN));
            assertThat(f.client.isOpen()).isFalse();
        }
    }

    @Test
    void otherRefusalsCarryTheirReason() throws Exception {
        for (Reason reason : new Reason[] {Reason.PROCESS_NAME_LIMIT, Reason.REGISTRATION_TIMEOUT, Reason.MALFORMED,
                Reason.NOT_PERMITTED}) {
            try (FakeBus f = FakeBus.start()) {
                CompletableFuture<Plugin> p = f.async(() -> f.client.register("kv", 1));
                f.expectRegistration();
                f.bus.send(RegistrationResult.refused(reason).encode());
                assertThatThrownBy(() -> done(p)).cause().isExactlyInstanceOf(RegistrationRefusedException.class)
                        .satisfies(e -> assertThat(((RegistrationRefusedException) e).reason()).isEqualTo(reason));
            }
        }
    }

    @Test
    void aClosedConnectionWithoutResultIsBusGone() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            CompletableFuture<Plugin> p = f.async(() -> f.client.register("kv", 1));
            f.expectRegistration();
            f.bus.close();
            assertThatThrownBy(() -> done(p)).cause().isInstanceOf(BusGoneException.class)
                    .hasMessageContaining("before answering");
        }
    }

    @Test
    void registerMustComeFirstAndOnlyOnce() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("kv", 1);
            assertThatThrownBy(() -> f.client.register("other", 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already registered as \"kv\"");
        }
        try (FakeBus f = FakeBus.start()) {
            CompletableFuture<?> list = f.async(f.client::plugins);
            f.answerNameless();
            f.expectOpened(IncomingRequest.class).respond(PluginList.of().encode());
            done(list);
            assertThatThrownBy(() -> f.client.register("kv", 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nameless client");
        }
    }

    @Test
    void invalidNamesAreRejectedLocally() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            assertThatThrownBy(() -> f.client.register("", 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.client.register("x".repeat(256), 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.client.register("kv", 65536)).isInstanceOf(IllegalArgumentException.class);
            // still fresh: a valid registration goes through
            f.registered("kv", 65535);
        }
    }

    @Test
    void unexpectedEntitiesFromTheBusAreEnded() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("kv", 1);
            // docs/minbus.md §12 mirrored: a request is refused, a sink cancelled, a stream closed
            var request = f.bus.request(FakeBus.text("?"));
            Sink sink = f.bus.openSink(FakeBus.text("s"));
            Stream stream = f.bus.openStream(FakeBus.text("t"));
            assertThatThrownBy(request::await).isInstanceOf(io.minbus.mux.EndedException.class);
            assertThatThrownBy(stream::receive).isInstanceOf(io.minbus.mux.EndedException.class);
            org.awaitility.Awaitility.await().until(() -> sink.cancelReason().isPresent());
            // and an incoming duplex this client does not understand is ended too
            var odd = f.bus.openDuplex(ByteBuffer.wrap(new byte[] {7}));
            assertThatThrownBy(odd::receive).isInstanceOf(io.minbus.mux.EndedException.class);
            assertThat(f.client.isOpen()).isTrue();
        }
    }

    @Test
    void noBusAtTheAddressIsUnreachable(@TempDir Path dir) {
        BusAddress nowhere = new BusAddress.Unix(dir.resolve("none.sock"));
        assertThatThrownBy(() -> MinBus.connect(nowhere)).isInstanceOf(BusUnreachableException.class)
                .hasMessageContaining("none.sock")
                .satisfies(e -> assertThat(((BusUnreachableException) e).address()).isEqualTo(nowhere.toString()));
    }

    @Test
    void theRegistrationMessageIsTheSpecsEncoding() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            CompletableFuture<Plugin> p = f.async(() -> f.client.register("kv", 3));
            ByteBuffer raw = f.bus.receive(FakeBus.WAIT).orElseThrow();
            assertThat(raw).isEqualTo(ByteBuffer.wrap(new byte[] {2, 'k', 'v', 0, 3}));
            assertThat(Registration.decode(raw)).isEqualTo(Registration.named("kv", 3));
            f.answerRegistered();
            done(p);
        }
    }
}
