package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The registration message, a plugin's first top-level message (docs/minbus.md §4.1), and the
 * initiator's tuple a target receives (§8.4). A zero-length name registers a nameless client.
 *
 * <pre>
 *  offset  size  field
 *  0       1     n        u8, name length; 0 = nameless client
 *  1       n     name     UTF-8
 *  1+n     2     version  u16 big-endian
 * </pre>
 *
 * <p>The message is exactly {@code 3 + n} bytes, or {@code 4 + n} with the visibility byte of §18.4; the server refuses anything else with {@link
 * Reason#MALFORMED}.
 *
 * @param name    the name, or "" for a nameless client
 * @param version 0..65535
 */
public record Registration(String name, int version, Optional<Visibility> visibility) {
    private static final String WHAT = "registration";
    private static final String SECTION = "4.1";

    /** @throws IllegalArgumentException on a name over 255 UTF-8 bytes or a version outside 0..65535 */
    public Registration {
        Names.utf8(name, true);
        Names.checkVersion(version, "registration version");
        java.util.Objects.requireNonNull(visibility, "visibility");
    }

    /** A registration without a declared visibility (the message is exactly {@code 3 + n} bytes). */
    public Registration(String name, int version) {
        this(name, version, Optional.empty());
    }

    /** This registration declaring {@code value} (docs/minbus.md §18.4: one more byte). */
    public Registration withVisibility(Visibility value) {
        return new Registration(name, version, Optional.of(value));
    }

    /** The declared visibility, else the default {@link Visibility#TRUSTED}. */
    public Visibility effectiveVisibility() {
        return visibility.orElse(Visibility.TRUSTED);
    }

    /** A named plugin's registration. */
    public static Registration of(PluginInfo plugin) {
        return new Registration(plugin.name(), plugin.version());
    }

    /** A named plugin's registration. */
    public static Registration named(String name, int version) {
        return of(new PluginInfo(name, version));
    }

    /** A nameless client's registration; {@code version} is what its targets will see (usually 0). */
    public static Registration nameless(int version) {
        return new Registration("", version);
    }

    /** True for a nameless client. */
    public boolean isNameless() {
        return name.isEmpty();
    }

    /** The plugin this registers, empty for a nameless client. */
    public Optional<PluginInfo> plugin() {
        return isNameless() ? Optional.empty() : Optional.of(new PluginInfo(name, version));
    }

    /** The registration message. */
    public ByteBuffer encode() {
        byte[] bytes = Names.utf8(name, true);
        if (visibility.isPresent()) {
            return new PayloadWriter(4 + bytes.length).tuple(bytes, version).u8(visibility.get().code()).done();
        }
        return new PayloadWriter(3 + bytes.length).tuple(bytes, version).done();
    }

    /**
     * Decodes a registration message strictly.
     *
     * @throws MalformedPayloadException if it is not exactly {@code n, name, version}
     */
    public static Registration decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        Registration registration = readVisibility(in, read(in));
        in.end();
        return registration;
    }

    static Registration read(PayloadReader in) {
        PayloadReader.Tuple tuple = in.tuple(true);
        return new Registration(tuple.name(), tuple.version());
    }

    /** The optional trailing visibility byte of a registration message (§18.4). */
    private static Registration readVisibility(PayloadReader in, Registration tuple) {
        if (!in.hasRemaining()) {
            return tuple;
        }
        int code = in.u8("visibility");
        Visibility v = Visibility.ofCode(code);
        if (v == null) {
            throw in.fail("unknown visibility " + code);
        }
        return tuple.withVisibility(v);
    }

    @Override
    public String toString() {
        return (isNameless() ? "nameless " + version : "\"" + name + "\" " + version)
                + visibility.map(v -> " " + v.name().toLowerCase(java.util.Locale.ROOT)).orElse("");
    }
}
