/**
 * The Min-Bus payloads (normative spec: {@code docs/minbus.md}): registration, plugin lists and
 * events, connect requests and error payloads, shared by the server and the client SDK. Pure: no I/O.
 */
module io.minbus.protocol {
    exports io.minbus.protocol;
}
