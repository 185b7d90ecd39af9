package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Parses the meaning of a vector (docs/minbus.md §15) into its context and expected value, and
 * maps each context to its decoder.
 */
final class Meaning {
    private final List<String> tokens;
    private int next;

    private Meaning(String text) {
        this.tokens = tokenize(text);
    }

    /** The expected value and the context it is decoded in. */
    record Parsed(String context, Object value) {
    }

    static Parsed parse(String text) {
        return new Meaning(text).parse();
    }

    /** The decoder of a context (§15 "Contexts for !"). */
    static Function<ByteBuffer, Object> decoder(String context) {
        return switch (context) {
            case "register" -> Registration::decode;
            case "result" -> RegistrationResult::decode;
            case "plugins" -> PluginList::decode;
            case "event" -> Event::decode;
            case "connect" -> ConnectRequest::decode;
            case "incoming" -> IncomingConnection::decode;
            case "error" -> ErrorPayload::decode;
            case "relay-end" -> RelayEnd::decode;
            case "keyed-plugins" -> KeyedPluginList::decode;
            case "keyed-event" -> KeyedEvent::decode;
            case "question" -> VisibilityQuestion::decode;
            case "answer" -> VisibilityAnswer::decode;
            case "direct" -> DirectRequest::decode;
            case "direct-question" -> DirectQuestion::decode;
            case "offer" -> DirectOffer::decode;
            case "offer-strict" -> DirectOffer::decodeStrict;
            case "ticket-preamble" -> DirectPreamble::decode;
            case "ticket-answer" -> DirectPreamble.Answer::decode;
            case "empty" -> b -> {
                if (b.hasRemaining()) {
                    throw new AssertionError("disconnect and accept are zero-length messages");
                }
                return "empty";
            };
            default -> throw new IllegalArgumentException("unknown context " + context);
        };
    }

    static ByteBuffer encode(Object value) {
        return switch (value) {
            case Registration r -> r.encode();
            case RegistrationResult r -> r.encode();
            case PluginList l -> l.encode();
            case Event e -> e.encode();
            case ConnectRequest c -> c.encode();
            case IncomingConnection i -> i.encode();
            case ErrorPayload e -> e.encode();
            case RelayEnd r -> r.encode();
            case KeyedPluginList l -> l.encode();
            case KeyedEvent e -> e.encode();
            case VisibilityQuestion q -> q.encode();
            case VisibilityAnswer a -> a.encode();
            case DirectRequest d -> d.encode();
            case DirectQuestion q -> q.encode();
            case DirectOffer o -> o.encode();
            case DirectPreamble p -> p.encode();
            case DirectPreamble.Answer a -> a.encode();
            case String s -> ByteBuffer.allocate(0);
            default -> throw new IllegalArgumentException("cannot encode " + value);
        };
    }

    private Parsed parse() {
        String word = word();
        Parsed parsed = switch (word) {
            case "register" -> new Parsed("register", visibility(registration()));
            case "disconnect", "accept" -> new Parsed("empty", "empty");
            case "registered" -> new Parsed("result", RegistrationResult.accepted());
            case "refused" -> new Parsed("result", RegistrationResult.refused(Reason.valueOf(word())));
            case "plugins" -> new Parsed("plugins", plugins());
            case "joined" -> new Parsed("event", Event.joined(plugin()));
            case "left" -> new Parsed("event", Event.left(plugin()));
            case "connect" -> new Parsed("connect", connect());
            case "incoming" -> new Parsed("incoming", incoming(registration()));
            case "error" -> new Parsed("error", error());
            case "relay-end" -> new Parsed("relay-end", relayEnd());
            case "keyed-plugins" -> new Parsed("keyed-plugins", keyedPlugins());
            case "keyed-joined" -> new Parsed("keyed-event", new KeyedEvent(Event.Kind.JOINED, plugin(), key()));
            case "keyed-left" -> new Parsed("keyed-event", new KeyedEvent(Event.Kind.LEFT, plugin(), key()));
            case "question" -> new Parsed("question", word().equals("trusted") ? VisibilityQuestion.trusted()
                    : VisibilityQuestion.peer(word()));
            case "answer" -> new Parsed("answer", VisibilityAnswer.valueOf(word().toUpperCase(java.util.Locale.ROOT)));
            case "direct" -> {
                ConnectRequest c = connect();
                yield new Parsed("direct", new DirectRequest(c.name(), c.minVersion()));
            }
            case "direct-question" -> {
                Registration r = registration();
                yield new Parsed("direct-question", new DirectQuestion(r, key()));
            }
            case "offer" -> {
                String path = quoted();
                expect("ticket");
                yield new Parsed("offer", new DirectOffer(path, Ticket.fromBase64(word())));
            }
            case "ticket-preamble" -> new Parsed("ticket-preamble", new DirectPreamble(Ticket.fromBase64(word())));
            case "ticket-answer" -> new Parsed("ticket-answer",
                    DirectPreamble.Answer.valueOf(word().toUpperCase(java.util.Locale.ROOT)));
            default -> throw new IllegalArgumentException("unknown meaning " + word);
        };
        if (next != tokens.size()) {
            throw new IllegalArgumentException("unexpected tokens after the meaning: " + tokens.subList(next, tokens.size()));
        }
        return parsed;
    }

    private Registration registration() {
        if (peek().equals("nameless")) {
            next++;
            return Registration.nameless(number());
        }
        return Registration.of(plugin());
    }

    /** An optional {@code key BASE64} after an incoming connection's initiator (docs/minbus.md §18.5). */
    private IncomingConnection incoming(Registration r) {
        if (next < tokens.size() && peek().equals("key")) {
            next++;
            return new IncomingConnection(r, java.util.Optional.of(word()));
        }
        return new IncomingConnection(r);
    }

    /** An optional {@code visibility NAME} after a registration (docs/minbus.md §18.4). */
    private Registration visibility(Registration r) {
        if (next < tokens.size() && peek().equals("visibility")) {
            next++;
            return r.withVisibility(Visibility.valueOf(word().toUpperCase(java.util.Locale.ROOT)));
        }
        return r;
    }

    private PluginInfo plugin() {
        String name = quoted();
        return new PluginInfo(name, number());
    }

    private PluginList plugins() {
        List<PluginInfo> list = new ArrayList<>();
        while (next < tokens.size()) {
            if (!list.isEmpty()) {
                expect(",");
            }
            list.add(plugin());
        }
        return new PluginList(list);
    }

    /** An optional {@code key BASE64}. */
    private java.util.Optional<String> key() {
        if (next < tokens.size() && peek().equals("key")) {
            next++;
            return java.util.Optional.of(word());
        }
        return java.util.Optional.empty();
    }

    private KeyedPluginList keyedPlugins() {
        List<KeyedPluginList.Entry> list = new ArrayList<>();
        while (next < tokens.size()) {
            if (!list.isEmpty()) {
                expect(",");
            }
            list.add(new KeyedPluginList.Entry(plugin(), key()));
        }
        return new KeyedPluginList(list);
    }

    private ConnectRequest connect() {
        String name = quoted();
        if (next < tokens.size()) {
            expect("min");
            return new ConnectRequest(name, OptionalInt.of(number()));
        }
        return ConnectRequest.to(name);
    }

    private ErrorPayload error() {
        Reason reason = Reason.valueOf(word());
        return reason == Reason.VERSION_TOO_LOW ? ErrorPayload.versionTooLow(number()) : ErrorPayload.of(reason);
    }

    private RelayEnd relayEnd() {
        String kind = word();
        if (kind.equals("error")) {
            return new RelayEnd.FromServer(error());
        }
        if (!kind.equals("relayed")) {
            throw new IllegalArgumentException("relay-end is followed by 'relayed' or 'error', not " + kind);
        }
        StringBuilder hex = new StringBuilder();
        while (next < tokens.size()) {
            hex.append(hex.isEmpty() ? "" : " ").append(word());
        }
        return new RelayEnd.Relayed(ByteBuffer.wrap(MinBusVectors.hex(hex.toString())));
    }

    private String peek() {
        return next < tokens.size() ? tokens.get(next) : "";
    }

    private String word() {
        if (next >= tokens.size()) {
            throw new IllegalArgumentException("meaning ends too early: " + tokens);
        }
        return tokens.get(next++);
    }

    private void expect(String token) {
        String got = word();
        if (!got.equals(token)) {
            throw new IllegalArgumentException("expected " + token + ", got " + got);
        }
    }

    private int number() {
        return Integer.parseInt(word());
    }

    private String quoted() {
        String token = word();
        if (!token.startsWith("\"")) {
            throw new IllegalArgumentException("expected a quoted name, got " + token);
        }
        return token.substring(1);
    }

    /** Words, commas, and quoted strings (kept with a leading quote, escapes resolved). */
    private static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == ',') {
                out.add(",");
                i++;
            } else if (c == '"') {
                StringBuilder s = new StringBuilder("\"");
                i++;
                while (text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\') {
                        i++;
                    }
                    s.append(text.charAt(i++));
                }
                i++;
                out.add(s.toString());
            } else {
                int start = i;
                while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != ',') {
                    i++;
                }
                out.add(text.substring(start, i));
            }
        }
        return out;
    }
}
