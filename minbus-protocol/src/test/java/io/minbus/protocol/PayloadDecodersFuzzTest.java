package io.minbus.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;

/**
 * Coverage-guided fuzzing of every Min-Bus control payload decoder: arbitrary bytes either decode to
 * a value that encodes back to the same bytes and decodes to an equal value, or fail with {@link
 * MalformedPayloadException}, nothing else. Replays {@code
 * src/test/resources/io/minbus/protocol/PayloadDecodersFuzzTestInputs} in a normal build; {@code
 * scripts/fuzz.sh io.minbus.protocol.PayloadDecodersFuzzTest#decodersOnlyFailWithMalformedPayload 180}
 * fuzzes for real. (CodecFuzzTest covers the same decoders with seeded random round trips.)
 */
class PayloadDecodersFuzzTest {
    private record Codec(String name, Function<ByteBuffer, Object> decode, Function<Object, ByteBuffer> encode) {
    }

    private static final List<Codec> CODECS = List.of(
            new Codec("Registration", Registration::decode, v -> ((Registration) v).encode()),
            new Codec("RegistrationResult", RegistrationResult::decode, v -> ((RegistrationResult) v).encode()),
            new Codec("PluginList", PluginList::decode, v -> ((PluginList) v).encode()),
            new Codec("Event", Event::decode, v -> ((Event) v).encode()),
            new Codec("ConnectRequest", ConnectRequest::decode, v -> ((ConnectRequest) v).encode()),
            new Codec("IncomingConnection", IncomingConnection::decode, v -> ((IncomingConnection) v).encode()),
            new Codec("ErrorPayload", ErrorPayload::decode, v -> ((ErrorPayload) v).encode()),
            new Codec("RelayEnd", RelayEnd::decode, null),
            new Codec("KeyedPluginList", KeyedPluginList::decode, v -> ((KeyedPluginList) v).encode()),
            new Codec("KeyedEvent", KeyedEvent::decode, v -> ((KeyedEvent) v).encode()),
            new Codec("VisibilityQuestion", VisibilityQuestion::decode, v -> ((VisibilityQuestion) v).encode()),
            new Codec("VisibilityAnswer", VisibilityAnswer::decode, v -> ((VisibilityAnswer) v).encode()));

    @FuzzTest(maxDuration = "10s")
    void decodersOnlyFailWithMalformedPayload(byte[] input) {
        for (Codec c : CODECS) {
            ByteBuffer in = ByteBuffer.wrap(input).asReadOnlyBuffer();
            Object value;
            try {
                value = c.decode.apply(in);
            } catch (MalformedPayloadException expected) {
                continue;
            }
            if (in.position() != 0) {
                throw new AssertionError(c.name + ".decode moved the caller's buffer");
            }
            if (c.encode != null) {
                Object again = c.decode.apply(c.encode.apply(value));
                if (!again.equals(value)) {
                    throw new AssertionError(c.name + ": " + value + " encodes and decodes to " + again);
                }
            }
        }
    }
}
