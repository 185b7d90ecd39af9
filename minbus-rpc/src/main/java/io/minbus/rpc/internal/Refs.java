package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.ChannelOpener;
import io.minbus.rpc.CodecException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RemoteException;
import io.minbus.rpc.RpcException;
import io.minbus.rpc.UnknownCommandException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The refs of one endpoint (docs/rpc.md §6, §7): streams and callback objects passed by
 * reference. The side that sent {@code cmd.open} numbers its refs 1, 3, 5, ..., the other side 2,
 * 4, 6, ..., so a ref names its owner and the two sides never clash. Refs are never reused.
 *
 * <p>Extra channels: the side that uses a stream opens its channel if it has a {@link
 * ChannelOpener} ({@code cmd.attach} names the owner's ref); otherwise it asks the owner with
 * {@code cmd.dial}, and the owner opens the channel and attaches it.
 */
final class Refs {

    private final Endpoint ep;
    private final AtomicLong next;
    private final ConcurrentHashMap<Long, Export> exports = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, CompletableFuture<MessageChannel>> dialing = new ConcurrentHashMap<>();

    Refs(Endpoint ep) {
        this.ep = ep;
        this.next = new AtomicLong(ep.session().openerSide() ? 1 : 2);
    }

    /** Whether a ref was numbered by this side. */
    boolean isMine(long ref) {
        return (ref & 1) == (ep.session().openerSide() ? 1 : 0);
    }

    /** Exports a value by reference; 0 for null. Stream exports also go to {@code perCall}. */
    long export(Slot slot, Object value, boolean owned, List<StreamExport> perCall) {
        if (value == null) {
            return 0;
        }
        ep.checkOpen();
        long ref = next.getAndAdd(2);
        Export e = switch (slot.kind()) {
            case INPUT -> new SourceExport(ep, ref, (InputStream) value, owned);
            case OUTPUT -> new SinkExport(ep, ref, (OutputStream) value, owned);
            case OBJECT -> new ObjectExport(value, Shapes.of(slot.raw()));
            default -> throw new IllegalStateException("not a ref kind: " + slot);
        };
        exports.put(ref, e);
        if (perCall != null && e instanceof StreamExport s) {
            perCall.add(s);
        }
        return ref;
    }

    /** A proxy for a ref of the peer; null for 0. Imported streams also go to {@code streams}. */
    Object importRef(Slot slot, long ref, List<AutoCloseable> streams) {
        if (ref == 0) {
            return null;
        }
        if (ref < 0 || isMine(ref)) {
            throw new CodecException("ref " + ref + " is not one of the peer's refs (docs/rpc.md §6: the side that sent cmd.open owns the odd refs)");
        }
        Object proxy = switch (slot.kind()) {
            case INPUT -> new RemoteInputStream(ep, ref);
            case OUTPUT -> new RemoteOutputStream(ep, ref, ep.config().streamChunkBytes());
            case OBJECT -> ProxyHandler.proxy(ep, slot.raw(), ref);
            default -> throw new IllegalStateException("not a ref kind: " + slot);
        };
        if (streams != null && proxy instanceof AutoCloseable c && slot.kind() != Kind.OBJECT) {
            streams.add(c);
        }
        return proxy;
    }

    /** How many refs this side exports now (for tests and diagnostics). */
    int exportCount() {
        return exports.size();
    }

    void remove(long ref, Export e) {
        exports.remove(ref, e);
    }

    /** The peer holds no proxy for one of our refs any more ({@code cmd.release}). */
    void release(long ref) {
        Export e = isMine(ref) ? exports.remove(ref) : null;
        if (e != null) {
            e.released();
        }
    }

    /** Runs {@code method@ref} on an exported callback object. */
    byte[] invoke(String method, String refText, Frame f) throws Throwable {
        long ref = FrameCodec.decimalBody(ByteBuffer.wrap(refText.getBytes(US_ASCII)), "the ref after '@'");
        if (!(isMine(ref) && exports.get(ref) instanceof ObjectExport o)) {
            throw new RpcException("no callback object with ref " + ref + " here: it was released, or the ref is wrong");
        }
        MethodShape shape = o.shape().byCommand().get(method);
        if (shape == null) {
            throw new UnknownCommandException(f.cmd(), String.join(", ", o.shape().byCommand().keySet()) + " (@" + ref + ")");
        }
        return Invoker.invoke(ep, shape, o.target(), f);
    }

    /** An extra channel arrived with {@code cmd.attach} for {@code ref}. */
    void attach(long ref, MessageChannel ch, long thread) {
        if (isMine(ref)) {
            if (!(exports.get(ref) instanceof StreamExport s) || !s.claim()) {
                Handshake.refuse(ch, thread, RpcException.class.getName(), "no unattached stream with ref " + ref
                        + " here (it was released or already attached, or it is not a stream)");
                return;
            }
            try {
                Handshake.answer(ch, thread, Commands.ATTACH, Endpoint.EMPTY);
            } catch (RpcException e) {
                ch.close();
                s.attachFailed();
                return;
            }
            s.serve(ch);
        } else {
            CompletableFuture<MessageChannel> slot = dialing.remove(ref);
            if (slot == null) {
                Handshake.refuse(ch, thread, RpcException.class.getName(), "stream ref " + ref + " was not asked for here (cmd.dial)");
                return;
            }
            try {
                Handshake.answer(ch, thread, Commands.ATTACH, Endpoint.EMPTY);
            } catch (RpcException e) {
                ch.close();
                slot.completeExceptionally(e);
                return;
            }
            slot.complete(ch);
        }
    }

    /** The peer asks this side to open the channel of one of its streams ({@code cmd.dial}). */
    void dial(long ref) {
        ChannelOpener opener = ep.session().opener().orElseThrow(() -> new RpcException(
                "neither side can open the channel of stream ref " + ref + ": give one side a ChannelOpener "
                        + "(RpcNode.connect with an opener, or RpcNode.accept(channel, opener))"));
        if (!(isMine(ref) && exports.get(ref) instanceof StreamExport s) || !s.claim()) {
            throw new RpcException("cmd.dial names ref " + ref + ", which is no unattached stream here");
        }
        MessageChannel ch;
        try {
            ch = opener.open();
            try {
                Handshake.exchange(ch, Commands.ATTACH, Bodies.attach(ep.session().token(), ref), ep.session().handshakeTimeout());
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (RuntimeException e) {
            s.attachFailed();
            throw e;
        }
        s.serve(ch);
    }

    /** Opens (or has the peer open) the channel of one of the peer's stream refs. */
    MessageChannel connect(long peerRef) {
        Optional<ChannelOpener> opener = ep.session().opener();
        if (opener.isPresent()) {
            MessageChannel ch = opener.get().open();
            try {
                Handshake.exchange(ch, Commands.ATTACH, Bodies.attach(ep.session().token(), peerRef), ep.session().handshakeTimeout());
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            }
            return ch;
        }
        CompletableFuture<MessageChannel> slot = new CompletableFuture<>();
        dialing.put(peerRef, slot);
        try {
            ep.call(Commands.DIAL, Long.toString(peerRef).getBytes(US_ASCII), ep.session().handshakeTimeout().multipliedBy(2));
            // The peer answers cmd.dial once our answer to its cmd.attach reached it; the thread that
            // sent that answer completes the slot right after, so it may still be on its way here.
            try {
                return slot.get(ep.session().handshakeTimeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new RpcException("the peer answered cmd.dial for ref " + peerRef + " but no channel arrived");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new RpcException("the channel of stream ref " + peerRef + " failed while attaching: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.minbus.rpc.RpcCancelledException("interrupted while waiting for the channel of stream ref " + peerRef);
            }
        } catch (RemoteException e) {
            throw new RpcException("this side has no ChannelOpener, and the peer could not open the channel either: " + e.remoteMessage(), e);
        } finally {
            dialing.remove(peerRef, slot);
        }
    }

    /** Drops every export and fails every pending dial: the endpoint closed. */
    void closeAll() {
        for (Export e : exports.values()) {
            e.released();
        }
        exports.clear();
        for (CompletableFuture<MessageChannel> slot : dialing.values()) {
            slot.completeExceptionally(new ChannelClosedException(ep.name() + " closed"));
        }
    }
}
