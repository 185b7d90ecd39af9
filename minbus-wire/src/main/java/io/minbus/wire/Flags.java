package io.minbus.wire;

/**
 * The five flag bits of a chunk tag (docs/protocol.md §5), from bit 4 down to bit 0. Fields appear in
 * a chunk in the order payload, credit, end; ping and ack carry no field.
 */
public final class Flags {
    /** {@code P}: a payload field follows the id. */
    public static final int PAYLOAD = 0x10;
    /** {@code C}: a VarU64 credit amount follows. */
    public static final int CREDIT = 0x08;
    /** {@code G}: a heartbeat ping. */
    public static final int PING = 0x04;
    /** {@code E}: an end (close from a writer, cancel from a reader) with an end payload field. */
    public static final int END = 0x02;
    /** {@code A}: acknowledges our end; must stand alone. */
    public static final int ACK = 0x01;
    /** All five flags. */
    public static final int ALL = 0x1f;

    private Flags() {}
}
