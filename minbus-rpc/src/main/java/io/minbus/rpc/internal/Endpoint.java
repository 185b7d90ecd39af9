package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.ChannelOpener;
import io.minbus.rpc.Codec;
import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcCancelledException;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcEndpoint;
import io.minbus.rpc.RpcException;
import io.minbus.transport.internal.logging.LazyLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One side of a session: the reader loop and the lifecycle. It is the largest class only because it
 * carries the whole {@link RpcEndpoint} surface; the work is delegated. Sending lives in {@link Outbox},
 * outgoing calls in {@link PendingCalls}, incoming messages in {@link Inbox} and {@link Dispatch},
 * refs in {@link Refs}.
 *
 * <p>Threads: one virtual reader thread per channel. It never sends (a send may wait for credit,
 * and the reader must keep reading responses meanwhile); it completes calls, hands requests to
 * their own virtual threads and one-way messages to one ordered worker.
 */
public final class Endpoint implements RpcEndpoint {

    /** The logger of minbus-rpc. */
    static final System.Logger LOG = LazyLogger.of("io.minbus.rpc");

    private static final ThreadLocal<Endpoint> CURRENT = new ThreadLocal<>();
    static final byte[] EMPTY = new byte[0];

    /**
     * Who this endpoint is in its session.
     *
     * @param instance the instance name of {@code cmd.open}
     * @param token the session token
     * @param openerSide whether this side sent {@code cmd.open} (it then owns the odd refs)
     * @param opener opens extra channels to the peer, if this side can
     * @param handshakeTimeout how long the handshake of an extra channel may take
     */
    public record Session(String instance, String token, boolean openerSide, Optional<ChannelOpener> opener, Duration handshakeTimeout) {}

    private final Session session;
    private final String name;
    private final MessageChannel channel;
    private final RpcConfig config;
    private final Codec codec;
    private final Outbox outbox;
    private final PendingCalls calls;
    /** {@link #take}, made once: the reader arms it before every receive. */
    private final Predicate<ByteBuffer> taker = this::take;
    private final Inbox inbox;
    private final Dispatch dispatch;
    private final Refs refs;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong malformed = new AtomicLong();
    private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
    private final LogLimit malformedLog = new LogLimit("malformed messages");
    private final LogLimit peerLog = new LogLimit("failures of one-way messages and error reports");
    private volatile Thread reader;

    /** An endpoint, not yet reading; {@link #start()} starts it. */
    public Endpoint(Session session, MessageChannel channel, RpcConfig config, Codec codec) {
        this.session = session;
        this.name = (session.instance().isEmpty() ? "\"\"" : session.instance()) + "/" + session.token().substring(0, 8) + (session.openerSide() ? "o" : "a");
        this.channel = channel;
        this.config = config;
        this.codec = codec;
        this.outbox = new Outbox(this, channel);
        this.calls = new PendingCalls(this, session.openerSide() ? 2 : 1);
        this.refs = new Refs(this);
        this.dispatch = new Dispatch(this, new Services(config));
        this.inbox = new Inbox(this, dispatch, config);
    }

    /** The endpoint whose handler runs on this thread. */
    public static Optional<RpcEndpoint> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    static void runAs(Endpoint ep, Runnable r) {
        Endpoint before = CURRENT.get();
        CURRENT.set(ep);
        try {
            r.run();
        } finally {
            CURRENT.set(before);
        }
    }

    /** Starts reading, runs the post-registration callback, then lets incoming messages through. */
    void start() {
        reader = Thread.ofVirtual().name("minbus-rpc-reader " + name).start(this::readLoop);
        try {
            config.onRegistered().accept(this);
        } catch (RuntimeException e) {
            close("its post-registration callback failed: " + e);
            throw new RpcException("the post-registration callback of " + name + " failed: " + e.getMessage(), e);
        }
        inbox.open();
    }

    private void readLoop() {
        try {
            while (true) {
                channel.deliverTo(taker); // the response to a lone call then skips this thread; see take()
                Optional<ByteBuffer> message = channel.receive();
                if (message.isEmpty()) {
                    close("the peer closed the channel");
                    return;
                }
                try {
                    receive(message.get());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "minbus-rpc " + name + ": handling an incoming message failed; the endpoint keeps running", e);
                }
            }
        } catch (RpcCancelledException e) {
            close("the reader was interrupted");
        } catch (RuntimeException e) {
            close("reading the channel failed: " + e.getMessage());
        }
    }

    /**
     * Handles a message on the channel's own reader thread where that saves a hand-off and cannot
     * block (docs/rpc.md §9): the response to a lone plain call ({@code call}, or a proxy call
     * without stream arguments), which wakes its waiting caller directly. Everything else is
     * declined: it and the messages after it come to {@link #readLoop}, which arms again once it has
     * handled them. Requests and one-way messages stay with the reader: taking them here measured
     * slower with many calls in flight (a burst's first handler left the burst's flush).
     */
    private boolean take(ByteBuffer message) {
        if (outbox.expected() > 0 || !FrameCodec.looksLikeResponse(message)) {
            return false; // busy (this endpoint's reader takes a burst in one wake-up), or not a response
        }
        Frame f;
        try {
            f = FrameCodec.decode(message);
        } catch (MalformedMessageException e) {
            return false;
        }
        if (!calls.tryComplete(f)) {
            return false;
        }
        LOG.log(Level.DEBUG, () -> "<< " + name + " " + f);
        return true;
    }

    private void receive(ByteBuffer message) {
        Frame f;
        try {
            f = FrameCodec.decode(message);
        } catch (MalformedMessageException e) {
            malformed(e, message);
            return;
        }
        LOG.log(Level.DEBUG, () -> "<< " + name + " " + f);
        switch (f.direction()) {
            case RESPONSE -> calls.complete(f);
            case REQUEST -> inbox.request(f);
            case ONEWAY -> inbox.oneway(f);
        }
    }

    /** Drops a malformed message: logs it, reports it locally and to the peer. */
    void malformed(MalformedMessageException e, ByteBuffer message) {
        malformed.incrementAndGet();
        ByteBuffer head = message.duplicate();
        head.limit(head.position() + Math.min(head.remaining(), 32));
        byte[] first = new byte[head.remaining()];
        head.get(first);
        malformedLog.warn("minbus-rpc " + name + ": dropped a malformed message from the peer (first bytes "
                + HexFormat.ofDelimiter(" ").formatHex(first) + "): " + e.getMessage(), null);
        try {
            config.onMalformed().accept(e);
        } catch (RuntimeException listenerFailure) {
            LOG.log(Level.WARNING, "minbus-rpc " + name + ": the onMalformed listener failed", listenerFailure);
        }
        long thread = FrameCodec.requestThread(message).orElse(0);
        byte[] body = Bodies.error(e.getClass().getName(), e.getMessage());
        sendLater(thread > 0 ? Frame.response(thread, Commands.ERROR, body) : Frame.oneway(Commands.ERROR, body));
    }

    /** Logs a failed one-way message or an error the peer reported, within the endpoint's log limit. */
    void warnAboutPeer(String message, Throwable cause) {
        peerLog.warn("minbus-rpc " + name + ": " + message, cause);
    }

    /** Sends from a fresh virtual thread, for senders that must not block (the reader, timers). */
    void sendLater(Frame f) {
        Thread.ofVirtual().name("minbus-rpc-send " + name).start(() -> {
            try {
                outbox.send(f);
            } catch (RpcException e) {
                LOG.log(Level.DEBUG, () -> name + ": could not send " + f + ": " + e.getMessage());
            }
        });
    }

    /** Tells the peer that no proxy for its ref is left here. */
    void releaseRef(long ref) {
        if (isOpen()) {
            sendLater(Frame.oneway(Commands.RELEASE, Long.toString(ref)));
        }
    }

    @Override
    public byte[] call(String cmd, byte[] body) {
        return calls.await(calls.start(cmd, body, config.callTimeout(), true));
    }

    @Override
    public byte[] call(String cmd, byte[] body, Duration timeout) {
        return calls.await(calls.start(cmd, body, Optional.of(timeout), true));
    }

    @Override
    public CompletableFuture<byte[]> callAsync(String cmd, byte[] body) {
        return calls.start(cmd, body, config.callTimeout(), false);
    }

    @Override
    public CompletableFuture<byte[]> callAsync(String cmd, byte[] body, Duration timeout) {
        return calls.start(cmd, body, Optional.of(timeout), false);
    }

    @Override
    public void notify(String cmd, byte[] body) {
        outbox.send(Frame.oneway(cmd, body));
    }

    @Override
    public <T> T proxy(Class<T> type) {
        return ProxyHandler.proxy(this, type, 0);
    }

    @Override
    public Duration ping() {
        long start = System.nanoTime();
        call(Commands.PING, EMPTY);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> metadata() {
        byte[] json = call(Commands.METADATA, EMPTY);
        try {
            return JsonCodec.DEFAULT.mapper().readValue(json, Map.class);
        } catch (RuntimeException e) {
            throw new RpcException("the peer's GetMetadata answer is not a JSON object: " + e.getMessage(), e);
        }
    }

    @Override
    public void stopPeer() {
        call(Commands.STOP, EMPTY);
    }

    @Override
    public String instance() {
        return session.instance();
    }

    @Override
    public long malformedCount() {
        return malformed.get();
    }

    @Override
    public boolean isOpen() {
        return !closing.get();
    }

    @Override
    public CompletionStage<Void> closed() {
        return closed.minimalCompletionStage();
    }

    @Override
    public void close() {
        close("closed by this side");
    }

    /** Closes the channel and fails or drops everything in flight. Idempotent. */
    void close(String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.DEBUG, () -> name + " closing: " + reason);
        channel.close();
        calls.failAll(reason);
        inbox.close();
        refs.closeAll();
        Thread r = reader;
        if (r != null && r != Thread.currentThread()) {
            r.interrupt();
        }
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "minbus-rpc " + name + ": a close hook failed", e);
            }
        }
        closed.complete(null);
    }

    /** Runs {@code hook} once this endpoint has closed. */
    void onClose(Runnable hook) {
        closeHooks.add(hook);
        if (closed.isDone()) {
            hook.run();
        }
    }

    /** Throws if closed. */
    void checkOpen() {
        if (closing.get()) {
            throw new ChannelClosedException(name + " is closed");
        }
    }

    Session session() {
        return session;
    }

    String name() {
        return name;
    }

    RpcConfig config() {
        return config;
    }

    Codec codec() {
        return codec;
    }

    Outbox outbox() {
        return outbox;
    }

    PendingCalls calls() {
        return calls;
    }

    Refs refs() {
        return refs;
    }

    @Override
    public String toString() {
        return "RpcEndpoint[" + name + (isOpen() ? "" : ", closed") + "]";
    }
}
