package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.minbus.rpc.ChannelOpener;
import io.minbus.rpc.Codec;
import io.minbus.rpc.Dispenser;
import io.minbus.rpc.InstanceRequest;
import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcEndpoint;
import io.minbus.rpc.RpcException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The work behind {@link io.minbus.rpc.RpcNode}: the channel handshakes of docs/rpc.md §4 and the
 * sessions by token, so that extra channels find their session.
 */
public final class NodeCore {

    private final Map<String, Dispenser> instances;
    private final Map<String, Codec> codecs;
    private final Duration handshakeTimeout;
    private final ConcurrentHashMap<String, Endpoint> sessions = new ConcurrentHashMap<>();
    private final Supplier<String> tokens;
    private volatile boolean closed;

    /** A node serving these instances and knowing these codecs. */
    public NodeCore(Map<String, Dispenser> instances, Map<String, Codec> codecs, Duration handshakeTimeout) {
        this(instances, codecs, handshakeTimeout, Bodies::newToken);
    }

    /** A node that takes its session tokens from {@code tokens} (tests replaying fixed vectors). */
    public NodeCore(Map<String, Dispenser> instances, Map<String, Codec> codecs, Duration handshakeTimeout, Supplier<String> tokens) {
        this.instances = Collections.unmodifiableMap(new LinkedHashMap<>(instances));
        this.codecs = Map.copyOf(codecs);
        this.handshakeTimeout = handshakeTimeout;
        this.tokens = tokens;
    }

    /** The served instance names. */
    public Set<String> instances() {
        return instances.keySet();
    }

    /** Takes a channel the peer opened; the handshake runs on a virtual thread. */
    public void accept(MessageChannel ch, Optional<ChannelOpener> opener) {
        Thread.ofVirtual().name("minbus-rpc-accept").start(() -> {
            try {
                handshake(ch, opener);
            } catch (RuntimeException e) {
                Endpoint.LOG.log(Level.WARNING, "minbus-rpc: accepting a channel failed: " + e.getMessage(), e);
                ch.close();
            }
        });
    }

    /** Opens a session (the {@code cmd.open} side). */
    public RpcEndpoint connect(MessageChannel ch, Optional<ChannelOpener> opener, String instance, Object config, RpcConfig rpc) {
        if (closed) {
            ch.close();
            throw new RpcException("this RpcNode is closed; make a new one");
        }
        if (instance.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("instance name must not contain NUL: " + instance);
        }
        Objects.requireNonNull(config, "config (pass new byte[0] for none)");
        Codec codec = rpc.codec();
        byte[] cfg;
        Frame welcome;
        try {
            cfg = config instanceof byte[] raw ? raw : codec.encode(config.getClass(), config);
            welcome = Handshake.exchange(ch, Commands.OPEN, Bodies.open(instance, codec.name(), cfg), handshakeTimeout);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
        String token;
        try {
            token = Bodies.token(welcome.body());
        } catch (MalformedMessageException e) {
            ch.close();
            throw new RpcException("the peer's answer to cmd.open carries no session token: " + e.getMessage(), e);
        }
        Endpoint ep = new Endpoint(new Endpoint.Session(instance, token, true, opener, handshakeTimeout), ch, rpc, codec);
        if (!register(ep)) {
            ch.close();
            throw new RpcException("the peer's session token equals that of another session of this node; refusing it "
                    + "(a peer must send 128 random bits, docs/rpc.md §4)");
        }
        ep.start();
        return ep;
    }

    /** Closes every session. */
    public void close() {
        closed = true;
        sessions.values().forEach(Endpoint::close);
    }

    private void handshake(MessageChannel ch, Optional<ChannelOpener> opener) {
        Optional<ByteBuffer> first = Handshake.first(ch, handshakeTimeout);
        if (first.isEmpty()) {
            Endpoint.LOG.log(Level.DEBUG, "a channel closed (or timed out) before its first message");
            ch.close();
            return;
        }
        Frame f;
        try {
            f = FrameCodec.decode(first.get());
        } catch (MalformedMessageException e) {
            Handshake.refuse(ch, FrameCodec.requestThread(first.get()).orElse(0), e.getClass().getName(), e.getMessage());
            return;
        }
        if (f.direction() != Direction.REQUEST || !(f.cmd().equals(Commands.OPEN) || f.cmd().equals(Commands.ATTACH))) {
            Handshake.refuse(ch, f.direction() == Direction.REQUEST ? f.thread() : 0, RpcException.class.getName(),
                    "the first message on a channel must be a cmd.open or cmd.attach request (docs/rpc.md §4), got '" + f + "'");
            return;
        }
        if (closed) {
            Handshake.refuse(ch, f.thread(), RpcException.class.getName(), "this node is shutting down");
            return;
        }
        try {
            if (f.cmd().equals(Commands.OPEN)) {
                open(ch, opener, f);
            } else {
                attach(ch, f);
            }
        } catch (MalformedMessageException e) {
            Handshake.refuse(ch, f.thread(), e.getClass().getName(), e.getMessage());
        }
    }

    private void open(MessageChannel ch, Optional<ChannelOpener> opener, Frame f) {
        Bodies.Open o = Bodies.open(f.body());
        Dispenser dispenser = instances.get(o.instance());
        if (dispenser == null) {
            Handshake.refuse(ch, f.thread(), RpcException.class.getName(), "no instance named '" + o.instance()
                    + "' here; this node serves: " + (instances.isEmpty() ? "nothing" : String.join(", ", instances.keySet())));
            return;
        }
        Codec codec = codecs.get(o.codec());
        if (codec == null) {
            Handshake.refuse(ch, f.thread(), RpcException.class.getName(), "codec '" + o.codec() + "' is unknown here; this node knows: "
                    + String.join(", ", codecs.keySet()) + " (register more with RpcNode.Builder.codec)");
            return;
        }
        RpcConfig config;
        try {
            config = dispenser.dispense(new InstanceRequest(o.instance(), codec, o.config()));
            if (config == null) {
                throw new IllegalStateException("the dispenser of instance '" + o.instance() + "' returned no configuration");
            }
        } catch (Exception e) {
            Handshake.refuse(ch, f.thread(), e.getClass().getName(), String.valueOf(e.getMessage()));
            return;
        }
        Endpoint ep = new Endpoint(new Endpoint.Session(o.instance(), tokens.get(), false, opener, handshakeTimeout), ch, config, codec);
        if (!register(ep)) {
            Handshake.refuse(ch, f.thread(), RpcException.class.getName(), "session token clash; open the session again");
            return;
        }
        try {
            Handshake.answer(ch, f.thread(), Commands.OPEN, ep.session().token().getBytes(UTF_8));
            ep.start();
        } catch (RuntimeException e) {
            Endpoint.LOG.log(Level.WARNING, "minbus-rpc: starting instance " + o.instance() + " failed: " + e.getMessage(), e);
            ep.close();
        }
    }

    private void attach(MessageChannel ch, Frame f) {
        Bodies.Attach a = Bodies.attach(f.body());
        Endpoint ep = sessions.get(a.token());
        if (ep == null) {
            Handshake.refuse(ch, f.thread(), RpcException.class.getName(), "no session with this token here (it has closed, or the token is wrong)");
            return;
        }
        ep.refs().attach(a.ref(), ch, f.thread());
    }

    /** Registers a session by its token; false if the token is taken. */
    private boolean register(Endpoint ep) {
        String token = ep.session().token();
        if (sessions.putIfAbsent(token, ep) != null) {
            return false;
        }
        ep.onClose(() -> sessions.remove(token, ep));
        if (closed) {
            ep.close();
        }
        return true;
    }
}
