package io.minbus.rpc.internal;

/** The DIRECTION field of a message (docs/rpc.md §2): one ASCII digit. */
public enum Direction {
    /** A request: the peer answers with a response of the same thread. */
    REQUEST('0', "request"),
    /** The answer to a request. */
    RESPONSE('1', "response"),
    /** A one-way message (Notify): no answer. */
    ONEWAY('2', "oneway");

    private final byte digit;
    private final String logName;

    Direction(char digit, String logName) {
        this.digit = (byte) digit;
        this.logName = logName;
    }

    /** The ASCII digit on the wire. */
    public byte digit() {
        return digit;
    }

    /** The name in the frame log, e.g. {@code request}. */
    public String logName() {
        return logName;
    }

    /** The direction for an ASCII digit, or null if it names none (internal use only). */
    static Direction ofDigit(byte b) {
        for (Direction d : values()) {
            if (d.digit == b) {
                return d;
            }
        }
        return null;
    }
}
