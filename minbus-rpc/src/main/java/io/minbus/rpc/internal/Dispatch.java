package io.minbus.rpc.internal;

import io.minbus.rpc.RpcException;
import io.minbus.rpc.UnknownCommandException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What an incoming command does: the built-ins of docs/rpc.md §3, calls on exported objects
 * ({@code method@ref}), then the endpoint's services and handlers.
 */
final class Dispatch {

    private static final String[] BUILT_INS = {Commands.PING, Commands.STOP, Commands.METADATA};

    private final Endpoint ep;
    private final Services services;

    Dispatch(Endpoint ep, Services services) {
        this.ep = ep;
        this.services = services;
    }

    /** Runs a request and sends its response, unless the peer cancelled it meanwhile. */
    void answer(Inbox.Job job) {
        Frame f = job.frame;
        Frame[] response = new Frame[1];
        Endpoint.runAs(ep, () -> {
            try {
                response[0] = Frame.response(f.thread(), f.cmd(), handle(f, false));
            } catch (Throwable t) {
                response[0] = errorResponse(f, t);
            }
        });
        if (job.cancelled) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": not answering cancelled " + f);
            return;
        }
        try {
            job.sent = true;
            ep.outbox().send(response[0], true);
        } catch (RpcException e) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": could not answer " + f + ": " + e.getMessage());
        }
        if (f.cmd().equals(Commands.STOP)) {
            stop();
        }
    }

    /** Runs a one-way message; failures are only logged, there is no one to tell. */
    void handleOneway(Frame f) {
        Endpoint.runAs(ep, () -> {
            try {
                handle(f, true);
                if (f.cmd().equals(Commands.STOP)) {
                    stop();
                }
            } catch (Throwable t) {
                Throwable cause = unwrap(t);
                ep.warnAboutPeer("one-way " + f.cmd() + " failed: " + cause, cause instanceof RpcException ? null : cause);
            }
        });
    }

    private byte[] handle(Frame f, boolean oneway) throws Throwable {
        String cmd = f.cmd();
        switch (cmd) {
            case Commands.PING:
                return f.bodyBytes();
            case Commands.STOP:
                return Endpoint.EMPTY;
            case Commands.METADATA:
                return metadata();
            case Commands.DIAL:
                ep.refs().dial(FrameCodec.decimalBody(f.body(), "the body of cmd.dial"));
                return Endpoint.EMPTY;
            case Commands.OPEN, Commands.ATTACH:
                throw new RpcException(cmd + " is only valid as the first message of a channel (docs/rpc.md §4)");
            default:
                break;
        }
        if (cmd.startsWith("cmd.")) {
            throw new UnknownCommandException(cmd, commandList());
        }
        int at = cmd.lastIndexOf('@');
        if (at >= 0) {
            return ep.refs().invoke(cmd.substring(0, at), cmd.substring(at + 1), f);
        }
        byte[] result = services.handle(ep, f, oneway);
        if (result == null) {
            throw new UnknownCommandException(cmd, commandList());
        }
        return result;
    }

    private void stop() {
        try {
            ep.config().onStop().accept(ep);
        } catch (RuntimeException e) {
            Endpoint.LOG.log(Level.WARNING, "minbus-rpc " + ep.name() + ": the stop action failed", e);
        }
    }

    private byte[] metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", ep.instance());
        m.put("codec", ep.codec().name());
        m.put("commands", commands());
        m.putAll(ep.config().metadata());
        return JsonCodec.DEFAULT.mapper().writeValueAsBytes(m);
    }

    private TreeSet<String> commands() {
        TreeSet<String> all = new TreeSet<>(services.commands());
        all.addAll(java.util.List.of(BUILT_INS));
        return all;
    }

    private String commandList() {
        return String.join(", ", commands());
    }

    static Frame errorResponse(Frame f, Throwable t) {
        Throwable cause = unwrap(t);
        Endpoint.LOG.log(Level.DEBUG, () -> "answering " + f + " with cmd.error: " + cause);
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        return Frame.response(f.thread(), Commands.ERROR, Bodies.error(cause.getClass().getName(), message));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof InvocationTargetException || cause instanceof UndeclaredThrowableException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
