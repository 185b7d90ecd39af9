/**
 * The minbus wire codec: VarU64 integers, chunks, the connection preamble and the protocol-violation
 * type. Pure: no I/O, no threads, no clocks. Normative spec: {@code docs/protocol.md}.
 */
module io.minbus.wire {
    exports io.minbus.wire;
}
