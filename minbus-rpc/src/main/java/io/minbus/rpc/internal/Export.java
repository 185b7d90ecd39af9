package io.minbus.rpc.internal;

/** Something this side passed to the peer by reference: a stream or a callback object. */
interface Export {

    /** The peer released the ref, or the endpoint closed: let go of it. */
    void released();
}
