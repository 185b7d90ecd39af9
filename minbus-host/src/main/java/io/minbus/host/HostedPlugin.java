package io.minbus.host;

import io.minbus.client.MinBus;
import io.minbus.rpc.BusRpc;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcEndpoint;
import io.minbus.transport.Transport;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A plugin launched by a {@link Host}: its {@link PluginProcess} plus typed RPC access to it
 * ({@link #dispense}). Every method of {@link PluginProcess} behaves as documented there.
 */
public final class HostedPlugin implements PluginProcess {

    private final PluginProcess process;
    private final Supplier<Transport> busTransports;
    private final List<MinBus> sessions = new CopyOnWriteArrayList<>();

    HostedPlugin(PluginProcess process, Supplier<Transport> busTransports) {
        this.process = process;
        this.busTransports = busTransports;
    }

    /**
     * A typed proxy for the plugin's default RPC instance ({@code ""}), for plugins that serve an
     * {@code io.minbus.rpc.RpcNode} with {@code BusRpc.serve} (docs/rpc.md). Each call opens a new
     * session on a bus connection of its own, closed when the plugin stops or the host closes.
     */
    public <T> T dispense(Class<T> type) {
        return dispense("", new byte[0], type);
    }

    /** A typed proxy for the plugin's RPC instance {@code instance} with configuration {@code config}. */
    public <T> T dispense(String instance, Object config, Class<T> type) {
        MinBus bus = MinBus.connect(busTransports.get());
        sessions.add(bus);
        try {
            RpcEndpoint ep = BusRpc.connect(bus, name(), instance, config, RpcConfig.defaults());
            return ep.proxy(type);
        } catch (RuntimeException e) {
            sessions.remove(bus);
            bus.close();
            throw e;
        }
    }

    /** The process half, as returned by the launcher. */
    public PluginProcess process() {
        return process;
    }

    void closeSessions() {
        sessions.forEach(MinBus::close);
        sessions.clear();
    }

    @Override public String name() { return process.name(); }
    @Override public PluginSpec spec() { return process.spec(); }
    @Override public PluginState state() { return process.state(); }
    @Override public OptionalLong pid() { return process.pid(); }
    @Override public OptionalInt exitCode() { return process.exitCode(); }
    @Override public int restarts() { return process.restarts(); }
    @Override public Optional<PluginException> failure() { return process.failure(); }
    @Override public List<String> stderrTail() { return process.stderrTail(); }
    @Override public OutputStream stdin() { return process.stdin(); }
    @Override public boolean awaitState(PluginState state, Duration timeout) throws InterruptedException {
        return process.awaitState(state, timeout);
    }
    @Override public void addStateListener(StateListener l) { process.addStateListener(l); }
    @Override public void removeStateListener(StateListener l) { process.removeStateListener(l); }
    @Override public void addRestartListener(RestartListener l) { process.addRestartListener(l); }
    @Override public void removeRestartListener(RestartListener l) { process.removeRestartListener(l); }
    @Override public CompletableFuture<PluginProcess> stopAsync() {
        return process.stopAsync().whenComplete((p, e) -> closeSessions());
    }
    @Override public void stop() { stopAsync().join(); }
    @Override public void close() { stop(); }
    @Override public String toString() { return process.toString(); }
}
