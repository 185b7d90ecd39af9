package io.minbus.client.internal;

import io.minbus.client.Channel;
import io.minbus.client.IncomingConnection;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.client.Requester;
import io.minbus.client.VisibilityPolicy;
import io.minbus.identity.Identity;
import io.minbus.mux.IncomingRequest;
import io.minbus.mux.MuxException;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.VisibilityAnswer;
import io.minbus.protocol.VisibilityQuestion;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A registered name: the queue of incoming connections the dispatcher fills, taken by {@link
 * #accept()} or handed to a handler, one thread per connection ({@link HandlerThreads}: platform for the
 * first few, virtual beyond) or a task of the handler's executor.
 */
final class NamedPlugin implements Plugin {
    private final ClientConnection bus;
    private final PluginInfo info;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<IncomingConnection> queue = new ArrayDeque<>();
    private Throwable lost;
    private Predicate<IncomingConnection> filter;
    private Consumer<Channel> handler;
    /** Runs the handler's tasks; empty: the connection's {@link HandlerThreads}. */
    private Optional<Executor> executor = Optional.empty();
    /** Answers the bus's visibility questions (explicit visibility, docs/minbus.md §18.7); empty: deny. */
    private final Optional<VisibilityPolicy> policy;

    NamedPlugin(ClientConnection bus, PluginInfo info, Optional<VisibilityPolicy> policy) {
        this.bus = bus;
        this.info = info;
        this.policy = policy;
    }

    /**
     * Answers one visibility question (on a virtual thread of its own, from the dispatcher): the
     * policy's decision, deny without a policy or when it throws.
     */
    void answer(VisibilityQuestion question, IncomingRequest request) {
        boolean allow = false;
        if (policy.isPresent()) {
            try {
                Requester requester = new Requester(question.requesterKey().map(Identity::fromBase64));
                allow = policy.get().allows(requester);
            } catch (RuntimeException e) {
                ClientConnection.LOG.log(Level.WARNING, "minbus client: the visibility policy of \"" + info.name()
                        + "\" failed; the requester is denied", e);
            }
        }
        try {
            request.respond(VisibilityAnswer.of(allow).encode());
        } catch (MuxException | IllegalStateException e) {
            ClientConnection.LOG.log(Level.DEBUG, () -> "minbus client: a visibility answer of \"" + info.name()
                    + "\" came too late: " + e.getMessage());
        }
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public MinBus bus() {
        return bus;
    }

    /** From the dispatcher: a new incoming connection. */
    void offer(IncomingConnection incoming) {
        lock.lock();
        try {
            if (handler == null) {
                queue.add(incoming);
                changed.signalAll();
                return;
            }
        } finally {
            lock.unlock();
        }
        handle(incoming);
    }

    /** From the dispatcher: the session ended; waiting accepts fail. */
    void connectionLost(Throwable why) {
        lock.lock();
        try {
            lost = why;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public IncomingConnection accept() {
        return take(-1).orElseThrow();
    }

    @Override
    public Optional<IncomingConnection> accept(Duration timeout) {
        return take(Math.max(0, timeout.toNanos()));
    }

    private Optional<IncomingConnection> take(long timeoutNanos) {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (true) {
                if (handler != null) {
                    throw new IllegalStateException("\"" + info.name() + "\" hands its connections to the handler"
                            + " set with onConnect; accept() cannot take them too");
                }
                IncomingConnection next = queue.poll();
                if (next != null) {
                    return Optional.of(next);
                }
                if (lost != null) {
                    throw bus.gone(lost, "waiting for connections to \"" + info.name() + "\"");
                }
                if (timeoutNanos < 0) {
                    changed.await();
                } else if (left <= 0) {
                    return Optional.empty();
                } else {
                    left = changed.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MinBusException("interrupted while waiting for connections to \"" + info.name() + "\"", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onConnect(Predicate<IncomingConnection> filter, Consumer<Channel> handler) {
        setHandler(filter, handler, Optional.empty());
    }

    @Override
    public void onConnect(Predicate<IncomingConnection> filter, Consumer<Channel> handler, Executor executor) {
        setHandler(filter, handler, Optional.of(Objects.requireNonNull(executor, "executor")));
    }

    private void setHandler(Predicate<IncomingConnection> filter, Consumer<Channel> handler, Optional<Executor> executor) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(handler, "handler");
        ArrayDeque<IncomingConnection> waiting;
        lock.lock();
        try {
            if (this.handler != null) {
                throw new IllegalStateException("\"" + info.name() + "\" has a connection handler already");
            }
            this.filter = filter;
            this.handler = handler;
            this.executor = executor;
            waiting = new ArrayDeque<>(queue);
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        waiting.forEach(this::handle);
    }

    private void handle(IncomingConnection incoming) {
        if (executor.isEmpty()) {
            bus.handlerThreads().start("minbus-" + info.name() + "-from-" + incoming.name(), () -> serve(incoming));
            return;
        }
        try {
            executor.get().execute(() -> serve(incoming));
        } catch (RuntimeException e) { // RejectedExecutionException, or whatever a user's executor throws
            ClientConnection.LOG.log(Level.WARNING, "minbus client: the executor of \"" + info.name()
                    + "\"'s connection handler did not take a task; denied " + incoming, e);
            incoming.deny();
        }
    }

    private void serve(IncomingConnection incoming) {
        boolean wanted;
        try {
            wanted = filter.test(incoming);
        } catch (RuntimeException e) {
            ClientConnection.LOG.log(Level.WARNING, "minbus client: the connection filter of \"" + info.name()
                    + "\" failed; denied " + incoming, e);
            wanted = false;
        }
        if (!wanted) {
            incoming.deny();
            return;
        }
        Channel channel;
        try {
            channel = incoming.accept();
        } catch (MinBusException e) {
            ClientConnection.LOG.log(Level.DEBUG, () -> "could not accept " + incoming + ": " + e.getMessage());
            return;
        }
        try {
            handler.accept(channel);
        } catch (RuntimeException e) {
            ClientConnection.LOG.log(Level.WARNING, "minbus client: the connection handler of \"" + info.name()
                    + "\" failed on " + channel, e);
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "Plugin[" + info + " on " + bus.description() + "]";
    }
}
