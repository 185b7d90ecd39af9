package io.minbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random round trips and random bytes: a decoder returns a value or throws {@link
 * MalformedPayloadException}, nothing else, so a malformed payload from a client can always be
 * reported and never crashes the server. Rerun a seed with {@code -Dminbus.seed=N}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CodecFuzzTest {
    private static final long SEED = Long.getLong("minbus.seed", System.nanoTime());
    private static final String ALPHABET = "abcxyz-_.0é€𝄞";

    @Test
    void everyRecordRoundTrips() {
        System.out.println("CodecFuzzTest.everyRecordRoundTrips seed " + SEED);
        Random random = new Random(SEED);
        for (int i = 0; i < 2000; i++) {
            PluginInfo p = plugin(random);
            Registration r = random.nextInt(4) == 0 ? Registration.nameless(random.nextInt(65536)) : Registration.of(p);
            assertThat(Registration.decode(r.encode())).isEqualTo(r);
            assertThat(IncomingConnection.decode(new IncomingConnection(r).encode())).isEqualTo(new IncomingConnection(r));
            Event e = random.nextBoolean() ? Event.joined(p) : Event.left(p);
            assertThat(Event.decode(e.encode())).isEqualTo(e);
            ConnectRequest c = new ConnectRequest(p.name(),
                    random.nextBoolean() ? OptionalInt.of(random.nextInt(65536)) : OptionalInt.empty());
            assertThat(ConnectRequest.decode(c.encode())).isEqualTo(c);
            PluginList list = list(random);
            assertThat(PluginList.decode(list.encode())).isEqualTo(list);
            assertThat(list.encode().remaining()).isEqualTo(list.encodedSize());
            Reason reason = Reason.values()[random.nextInt(Reason.values().length)];
            ErrorPayload error = reason == Reason.VERSION_TOO_LOW
                    ? ErrorPayload.versionTooLow(random.nextInt(65536)) : ErrorPayload.of(reason);
            assertThat(ErrorPayload.decode(error.encode())).isEqualTo(error);
        }
    }

    @Test
    void randomBytesEitherDecodeOrAreMalformed() {
        System.out.println("CodecFuzzTest.randomBytesEitherDecodeOrAreMalformed seed " + SEED);
        Random random = new Random(SEED);
        List<Function<ByteBuffer, Object>> decoders = List.of(Registration::decode, RegistrationResult::decode,
                PluginList::decode, Event::decode, ConnectRequest::decode, IncomingConnection::decode,
                ErrorPayload::decode, RelayEnd::decode);
        int decoded = 0;
        int malformed = 0;
        for (int i = 0; i < 20000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = (byte) random.nextInt(3);
            }
            if (bytes.length > 1 && random.nextBoolean()) {
                bytes[1] = (byte) random.nextInt(bytes.length);
            }
            for (Function<ByteBuffer, Object> decoder : decoders) {
                ByteBuffer payload = ByteBuffer.wrap(bytes);
                try {
                    assertThat(decoder.apply(payload)).isNotNull();
                    decoded++;
                } catch (MalformedPayloadException expected) {
                    malformed++;
                }
                assertThat(payload.position()).isZero();
            }
        }
        assertThat(decoded).isPositive();
        assertThat(malformed).isPositive();
    }

    private static PluginList list(Random random) {
        Set<String> names = new LinkedHashSet<>();
        int n = random.nextInt(5);
        while (names.size() < n) {
            names.add(name(random));
        }
        List<PluginInfo> plugins = new ArrayList<>();
        for (String name : names) {
            plugins.add(new PluginInfo(name, random.nextInt(65536)));
        }
        return new PluginList(plugins);
    }

    private static PluginInfo plugin(Random random) {
        return new PluginInfo(name(random), random.nextInt(65536));
    }

    private static String name(Random random) {
        StringBuilder s = new StringBuilder();
        int length = 1 + random.nextInt(random.nextInt(10) == 0 ? 60 : 8);
        int[] cps = ALPHABET.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            s.appendCodePoint(cps[random.nextInt(cps.length)]);
        }
        return s.toString();
    }
}
