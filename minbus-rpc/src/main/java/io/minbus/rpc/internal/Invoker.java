package io.minbus.rpc.internal;

import java.util.ArrayList;
import java.util.List;

/** Runs one typed method for an incoming call: decode, invoke, close stream arguments, encode. */
final class Invoker {

    private Invoker() {}

    /**
     * Invokes {@code shape} on {@code target}. Stream arguments live until the method returns: they
     * are closed then, and an {@code OutputStream} argument only counts as closed once the peer has
     * written everything, so the response never overtakes the stream's data (docs/rpc.md §7).
     */
    static byte[] invoke(Endpoint ep, MethodShape shape, Object target, Frame f) throws Throwable {
        List<AutoCloseable> streams = new ArrayList<>();
        boolean closed = false;
        try {
            Object[] args = Marshal.decodeArguments(ep, shape, f.bodyBytes(), streams);
            Object result = shape.method().invoke(target, args);
            for (AutoCloseable s : streams) {
                s.close();
            }
            closed = true;
            return Marshal.encodeResult(ep, shape, result);
        } finally {
            if (!closed) {
                for (AutoCloseable s : streams) {
                    try {
                        s.close();
                    } catch (Exception e) {
                        Endpoint.LOG.log(System.Logger.Level.DEBUG, () -> "closing a stream argument after a failure: " + e);
                    }
                }
            }
        }
    }
}
