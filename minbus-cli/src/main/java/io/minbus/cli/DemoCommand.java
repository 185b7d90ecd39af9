package io.minbus.cli;

import io.minbus.client.Channel;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.protocol.PluginInfo;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code minbus demo}: an embedded bus, a watcher and two plugins in this process, each with its own
 * connection over the bus's real Unix socket, and a transcript of what they do. Every step waits for
 * the previous one (with a timeout), so the transcript is always the same.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Show minbus at work in a few seconds.",
            "Starts a bus in this process, registers two plugins (greeter and counter) on their own"
                + " connections over the bus's Unix socket, watches them come and go, opens a channel from"
                + " counter to greeter and sends messages both ways, then shuts everything down, printing"
                + " a transcript."
        })
final class DemoCommand implements Callable<Integer> {
    private static final Duration STEP = Duration.ofSeconds(5);

    @ParentCommand Main main;

    private PrintStream out;

    @Override
    public Integer call() throws Exception {
        out = main.console.out;
        long start = System.nanoTime();
        say("demo", "minbus demo: a bus and two plugins in this process, each plugin on its own connection");
        say("demo", "over the bus's Unix socket, exactly as separate processes would connect.");
        out.println();
        BusAddress address;
        try (MinBusServer server = MinBusServer.embedded()) {
            address = server.addresses().get(0);
            say("bus", "started on " + address);
            try (MinBus watcherBus = MinBus.connect(address)) {
                BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
                BlockingQueue<MinBusException> failures = new LinkedBlockingQueue<>();
                try (Watch watch = watcherBus.watch(events::add, failures::add)) {
                    WatchEvent.Snapshot snapshot = (WatchEvent.Snapshot) next(events, failures);
                    say("watcher", "a nameless client watching the bus; snapshot: " + names(snapshot) + " (minbus watch)");
                    run(address, events, failures);
                    watch.close();
                }
            }
        }
        say("bus", "stopped; its socket file is gone: " + !Files.exists(((BusAddress.Unix) address).path()));
        out.println();
        say("demo", String.format("done in %d ms. Next: `minbus serve` in one terminal, then in others",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        say("demo", "`minbus register echo --exec cat`, `echo hi | minbus connect echo`, `minbus ls`, `minbus watch`.");
        out.flush();
        return ExitCodes.OK;
    }

    private void run(BusAddress address, BlockingQueue<WatchEvent> events, BlockingQueue<MinBusException> failures)
            throws Exception {
        try (MinBus greeterBus = MinBus.connect(address)) {
            Plugin greeter = greeterBus.register("greeter", 1);
            say("greeter", "registered as greeter, version 1");
            expect(events, failures, "+ greeter 1");
            greeter.onConnect(incoming -> {
                say("greeter", "incoming connection from " + incoming.name() + " (version " + incoming.version()
                        + "): accepted");
                return true;
            }, DemoCommand::greet);

            try (MinBus counterBus = MinBus.connect(address)) {
                Plugin counter = counterBus.register("counter", 2);
                say("counter", "registered as counter, version 2");
                expect(events, failures, "+ counter 2");
                say("counter", "lists the other plugins (minbus ls): " + counterBus.plugins().stream()
                        .map(p -> p.name() + " " + p.version()).collect(Collectors.joining(", ")));
                try {
                    counter.connect("greeter", 3);
                } catch (MinBusException e) {
                    say("counter", "asks for greeter >= 3 and is refused: " + e.getClass().getSimpleName()
                            + " (" + e.getMessage() + ")");
                }
                try (Channel channel = counter.connect("greeter", 1)) {
                    say("counter", "connected to greeter (>= 1); the bus relays the channel with bounded buffers");
                    for (String word : new String[] {"one", "two", "three"}) {
                        say("counter", "-> greeter: " + word);
                        channel.send(text(word));
                        say("counter", "<- greeter: " + text(channel.receive()));
                    }
                    channel.close(text("thanks"));
                    say("counter", "closed its half of the channel (reason \"thanks\")");
                    try {
                        channel.receive();
                    } catch (ChannelClosedException e) {
                        say("counter", "greeter closed its half too (reason \"" + text(e.reason()) + "\")");
                    }
                }
                say("counter", "leaves the bus");
            }
            expect(events, failures, "- counter 2");
            say("greeter", "leaves the bus");
        }
        expect(events, failures, "- greeter 1");
    }

    /** The greeter's side of a channel: answers every message, says goodbye when the other side closes. */
    private static void greet(Channel channel) {
        int n = 0;
        try {
            while (true) {
                String m = text(channel.receive());
                n++;
                channel.send(text("hello, " + m + "! (message " + n + ")"));
            }
        } catch (ChannelClosedException e) {
            channel.close(text("bye after " + n + " messages"));
        }
    }

    private WatchEvent next(BlockingQueue<WatchEvent> events, BlockingQueue<MinBusException> failures)
            throws InterruptedException {
        WatchEvent e = events.poll(STEP.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            MinBusException failure = failures.poll();
            throw failure != null ? failure : new IllegalStateException("the demo's watcher saw nothing within " + STEP);
        }
        return e;
    }

    private void expect(BlockingQueue<WatchEvent> events, BlockingQueue<MinBusException> failures, String line)
            throws InterruptedException {
        WatchEvent e = next(events, failures);
        String seen = switch (e) {
            case WatchEvent.Joined j -> "+ " + j.plugin().name() + " " + j.plugin().version();
            case WatchEvent.Left l -> "- " + l.plugin().name() + " " + l.plugin().version();
            case WatchEvent.Snapshot s -> "snapshot " + names(s);
        };
        if (!seen.equals(line)) {
            throw new IllegalStateException("the demo's watcher expected \"" + line + "\" but saw \"" + seen + "\"");
        }
        say("watcher", seen);
    }

    private static String names(WatchEvent.Snapshot s) {
        return s.plugins().isEmpty() ? "(no plugins)"
                : s.plugins().stream().map(PluginInfo::toString).collect(Collectors.joining(", "));
    }

    private synchronized void say(String who, String what) {
        out.printf("%-10s%s%n", "[" + who + "]", what);
        out.flush();
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }
}
