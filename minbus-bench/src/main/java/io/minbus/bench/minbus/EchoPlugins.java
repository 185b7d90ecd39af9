package io.minbus.bench.minbus;

import io.minbus.client.Channel;
import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.transport.BusAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Plugin B of the relayed scenarios, through the public SDK only: {@code echo-0} ... {@code
 * echo-(N-1)}, each registered on a {@link MinBus} connection of its own (a connection carries one
 * name, and the bus allows one relay from A's connection to each of them, docs/minbus.md §8.6), each
 * echoing every message of every channel; and {@code sink}, which counts the messages of a channel
 * and, on an empty message, answers with 16 bytes (messages, bytes) and starts counting anew.
 *
 * <p>Channels are served by {@link Plugin#onConnect}: where the SDK puts handlers by default (the
 * first ones of the process on pooled platform threads, the others on virtual threads), with {@code
 * --virtual} each on a virtual thread ({@code platformHandlers(0)}), or with {@code --platform} on a
 * platform thread per channel (its executor form, a cached thread pool).
 *
 * <p>With {@code --direct}, every connection accepts direct connections (docs/minbus.md §19), its
 * socket in the directory {@code direct} next to the bus socket.
 *
 * <p>Usage: {@code EchoPlugins BUS_SOCKET ECHO_COUNT [--platform | --virtual] [--direct]}; prints {@code ready} once every
 * name is registered, exits when stdin ends.
 */
public final class EchoPlugins {

    private EchoPlugins() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EchoPlugins BUS_SOCKET ECHO_COUNT [--platform | --virtual] [--direct]");
            System.exit(2);
        }
        BusAddress address = new BusAddress.Unix(Path.of(args[0]));
        int echoes = Integer.parseInt(args[1]);
        List<String> flags = List.of(args).subList(2, args.length);
        boolean platform = flags.contains("--platform");
        MinBus.Builder builder = MinBus.builder().address(address);
        if (flags.contains("--virtual")) {
            builder.platformHandlers(0);
        }
        if (flags.contains("--direct")) {
            builder.acceptDirect(true).directDirectory(Path.of(args[0]).toAbsolutePath().resolveSibling("d"));
        }
        List<MinBus> held = new ArrayList<>();
        serve(builder.connect().register("sink", 1), platform, EchoPlugins::sink, held);
        // register in parallel: 1,000 connections one after the other take a while on a busy machine
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Plugin>> f = new ArrayList<>();
            for (int i = 0; i < echoes; i++) {
                String name = "echo-" + i;
                f.add(pool.submit(() -> builder.connect().register(name, 1)));
            }
            for (Future<Plugin> p : f) {
                serve(p.get(), platform, EchoPlugins::echo, held);
            }
        }
        MinbusPeers.readyAndWaitForStdinEnd();
        held.forEach(MinBus::close);
        System.exit(0);
    }

    private static void serve(Plugin plugin, boolean platform, Consumer<Channel> handler, List<MinBus> held) {
        held.add(plugin.bus());
        if (platform) {
            plugin.onConnect(incoming -> true, handler, PLATFORM);
        } else {
            plugin.onConnect(handler);
        }
    }

    /** {@code --platform}: a platform thread per channel, which reads the socket itself while it waits. */
    private static final ExecutorService PLATFORM = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("serve-", 0).daemon().factory());

    static void echo(Channel ch) {
        try {
            for (;;) {
                ch.send(ch.receive());
            }
        } catch (ChannelClosedException | ChannelBrokenException e) {
            // the driver closed the channel
        }
    }

    static void sink(Channel ch) {
        long messages = 0;
        long bytes = 0;
        try {
            for (;;) {
                ByteBuffer m = ch.receive();
                if (!m.hasRemaining()) {
                    ch.send(ByteBuffer.allocate(16).putLong(0, messages).putLong(8, bytes));
                    messages = 0;
                    bytes = 0;
                    continue;
                }
                messages++;
                bytes += m.remaining();
            }
        } catch (ChannelClosedException | ChannelBrokenException e) {
            // the driver closed the channel
        }
    }
}
