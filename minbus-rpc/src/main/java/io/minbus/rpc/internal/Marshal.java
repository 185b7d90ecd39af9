package io.minbus.rpc.internal;

import io.minbus.rpc.CodecException;
import java.util.List;

/**
 * Arguments and results of typed methods to bodies and back (docs/rpc.md §6): a lone {@code
 * byte[]} parameter and a {@code byte[]} result are the body itself; streams and callbacks are
 * exported as refs that the codec sees as {@code long}s; everything else goes through the codec.
 */
final class Marshal {

    private Marshal() {}

    /** The body of a call; streams exported for it are added to {@code perCall}. */
    static byte[] encodeArguments(Endpoint ep, MethodShape s, Object[] args, List<StreamExport> perCall) {
        Object[] a = args == null ? new Object[0] : args;
        if (s.rawArgs()) {
            if (a[0] == null) {
                throw new IllegalArgumentException(s.describe() + ": a lone byte[] argument travels as the raw body and cannot be null; pass an empty array");
            }
            return (byte[]) a[0];
        }
        Object[] values = new Object[a.length];
        for (int i = 0; i < a.length; i++) {
            Slot p = s.params()[i];
            values[i] = p.kind() == Kind.VALUE ? a[i] : ep.refs().export(p, a[i], false, perCall);
        }
        return ep.codec().encodeArguments(s.wireTypes(), values);
    }

    /** The arguments of an incoming call; imported streams are added to {@code streams}. */
    static Object[] decodeArguments(Endpoint ep, MethodShape s, byte[] body, List<AutoCloseable> streams) {
        if (s.rawArgs()) {
            return new Object[] {body};
        }
        Object[] values = ep.codec().decodeArguments(s.wireTypes(), body);
        if (values.length != s.params().length) {
            throw new CodecException(s.describe() + " takes " + s.params().length + " arguments, the codec decoded " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            Slot p = s.params()[i];
            if (p.kind().isRef()) {
                values[i] = ep.refs().importRef(p, ref(values[i], s, "argument " + (i + 1)), streams);
            } else if (values[i] == null && p.raw().isPrimitive()) {
                throw new CodecException("argument " + (i + 1) + " of " + s.describe() + " is null but the parameter is a " + p.raw());
            }
        }
        return values;
    }

    /** The body of the response to a call. */
    static byte[] encodeResult(Endpoint ep, MethodShape s, Object result) {
        Slot r = s.result();
        return switch (r.kind()) {
            case VOID -> Endpoint.EMPTY;
            case RAW -> {
                if (result == null) {
                    throw new IllegalStateException(s.describe() + " returned null; a byte[] result travels as the raw body and cannot be null");
                }
                yield (byte[]) result;
            }
            case VALUE -> ep.codec().encode(r.type(), result);
            case INPUT, OUTPUT, OBJECT -> ep.codec().encode(long.class, ep.refs().export(r, result, true, null));
        };
    }

    /** The result of a call from its response body. */
    static Object decodeResult(Endpoint ep, MethodShape s, byte[] body) {
        Slot r = s.result();
        return switch (r.kind()) {
            case VOID -> null;
            case RAW -> body;
            case VALUE -> {
                Object v = ep.codec().decode(r.type(), body);
                if (v == null && r.raw().isPrimitive()) {
                    throw new CodecException(s.describe() + " returned null for a " + r.raw());
                }
                yield v;
            }
            case INPUT, OUTPUT, OBJECT -> ep.refs().importRef(r, ref(ep.codec().decode(long.class, body), s, "the result"), null);
        };
    }

    private static long ref(Object v, MethodShape s, String what) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new CodecException(what + " of " + s.describe() + " should be a ref number, got " + v);
    }
}
