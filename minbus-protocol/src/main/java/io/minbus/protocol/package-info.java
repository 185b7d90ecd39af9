/**
 * The Min-Bus payload codec, shared by the server and the client SDK: pure functions from a payload
 * ({@link java.nio.ByteBuffer}) to a record and back, with no I/O, threads or clocks. Normative spec:
 * {@code docs/minbus.md}; every section cited in these Javadocs is a section of that document.
 *
 * <p>All Min-Bus integers are fixed-width big-endian ({@code u8}, {@code u16}). The building block is
 * the <em>tuple</em> (§2):
 *
 * <pre>
 *  offset  size  field
 *  0       1     n        u8, name length
 *  1       n     name     UTF-8 (1..255 bytes; 0 only where a nameless client is allowed)
 *  1+n     2     version  u16 big-endian
 * </pre>
 *
 * <p>Decoders read the remaining bytes of the buffer they are given and never move its position.
 * Payloads from a plugin are decoded strictly (trailing bytes are malformed); payloads from the server
 * tolerate trailing bytes (§2, "strict in, tolerant out"). A payload that does not parse raises
 * {@link io.minbus.protocol.MalformedPayloadException}, which names the payload, the rule and
 * the bytes, so that the server can refuse it ({@code 01 03}) and a client can report it.
 */
package io.minbus.protocol;
