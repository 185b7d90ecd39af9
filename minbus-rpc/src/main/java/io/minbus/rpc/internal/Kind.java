package io.minbus.rpc.internal;

/** How a parameter or result of a typed method travels (docs/rpc.md §6). */
enum Kind {
    /** Through the codec. */
    VALUE,
    /** A lone {@code byte[]} parameter, or a {@code byte[]} result: the body itself. */
    RAW,
    /** An {@code InputStream}: a ref, its bytes on an extra channel from the exporter. */
    INPUT,
    /** An {@code OutputStream}: a ref, its bytes on an extra channel to the exporter. */
    OUTPUT,
    /** An interface outside java.* and javax.*: a ref to a callback object. */
    OBJECT,
    /** No result. */
    VOID;

    /** Whether values of this kind travel as refs. */
    boolean isRef() {
        return this == INPUT || this == OUTPUT || this == OBJECT;
    }
}
