package io.minbus.it;

import io.minbus.client.Channel;
import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.ConnectionRefusedException;
import io.minbus.client.IncomingConnection;
import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.client.RegistrationRefusedException;
import io.minbus.client.VersionTooLowException;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.protocol.PluginInfo;
import io.minbus.transport.BusAddress;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32C;

/**
 * A plugin process for the integration tests: {@code java -cp <test class path> io.minbus.it.Child MODE
 * ADDRESS ARGS...}. It reports to the test on stdout, one line per fact, and takes commands on stdin;
 * stdin's end means "exit". Exit codes follow the CLI: 0 ok, 1 failure, 5 refused.
 */
public final class Child {
    static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    static final int MESSAGE = 64 * 1024;

    private Child() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        BusAddress address = BusAddress.parse(args[1]);
        try {
            switch (mode) {
                case "hold" -> hold(address, args[2], Integer.parseInt(args[3]));
                case "deny" -> deny(address, args[2], Integer.parseInt(args[3]));
                case "connect" -> connect(address, args[2], Integer.parseInt(args[3]));
                case "sink" -> sink(address, args[2], args.length > 3 && args[3].equals("paused"));
                case "source" -> source(address, args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]));
                case "watch" -> watch(address);
                case "echo" -> echo(address, args[2], false);
                case "directecho" -> echo(address, args[2], true);
                case "directping" -> directPing(address, args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]));
                case "holdrelay" -> holdRelay(address, args[2], args[3]);
                case "churn" -> churn(address, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                        Long.parseLong(args[5]));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        } catch (RegistrationRefusedException e) {
            OUT.println("refused " + e.reason());
            System.exit(5);
        } catch (VersionTooLowException e) {
            OUT.println("refused " + e.reason() + " " + e.targetVersion());
            System.exit(5);
        } catch (ConnectionRefusedException e) {
            OUT.println("refused " + e.reason());
            System.exit(5);
        }
        System.exit(0);
    }

    /** Blocks until the test closes our stdin (or says "exit"). */
    static void awaitExit() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("exit")) {
            // commands other than exit are for other modes
        }
    }

    static void hold(BusAddress address, String name, int version) throws Exception {
        try (MinBus bus = MinBus.connect(address)) {
            bus.register(name, version);
            OUT.println("registered " + name + " " + version);
            awaitExit();
        }
    }

    static void deny(BusAddress address, String name, int version) throws Exception {
        try (MinBus bus = MinBus.connect(address)) {
            Plugin p = bus.register(name, version);
            p.onConnect(in -> {
                OUT.println("denying " + in.name());
                return false;
            }, ch -> { });
            OUT.println("registered " + name + " " + version);
            awaitExit();
        }
    }

    static void connect(BusAddress address, String target, int minVersion) {
        try (MinBus bus = MinBus.connect(address); Channel ch = bus.connect(target, minVersion)) {
            OUT.println("connected " + ch.peerName());
        }
    }

    /** Accepts one channel, reads everything, reports count and CRC32C. "go" on stdin starts reading when paused. */
    static void sink(BusAddress address, String name, boolean paused) throws Exception {
        // a paused sink grants a large window at once, so the bus may write ahead into its socket
        MinBus.Builder builder = MinBus.builder().address(address);
        if (paused) {
            builder.session(io.minbus.mux.SessionConfig.builder().name("slow-sink").window(4 << 20).build());
        }
        try (MinBus bus = builder.connect()) {
            Plugin p = bus.register(name, 1);
            OUT.println("registered " + name + " 1");
            IncomingConnection in = p.accept();
            Channel ch = in.accept();
            OUT.println("accepted " + in.name());
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (paused) {
                String line = stdin.readLine();
                if (!"go".equals(line)) {
                    return;
                }
            }
            CRC32C crc = new CRC32C();
            long bytes = 0;
            long messages = 0;
            try {
                while (true) {
                    ByteBuffer m = ch.receive();
                    bytes += m.remaining();
                    messages++;
                    crc.update(m);
                }
            } catch (ChannelClosedException e) {
                OUT.println("received " + bytes + " " + messages + " " + Long.toHexString(crc.getValue()));
            }
            ch.close();
            awaitExit(stdin);
        }
    }

    static void awaitExit(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null && !line.equals("exit")) {
            // wait
        }
    }

    /** Registers, watches until the sink appears, connects, sends seeded random bytes, reports the CRC32C. */
    static void source(BusAddress address, String name, String sinkName, long total, long seed) throws Exception {
        try (MinBus bus = MinBus.connect(address); MinBus watcher = MinBus.connect(address)) {
            bus.register(name, 1);
            OUT.println("registered " + name + " 1");
            try (Watch w = watcher.watch()) {
                boolean seen = false;
                while (!seen) {
                    WatchEvent e = w.next();
                    seen = switch (e) {
                        case WatchEvent.Snapshot s -> s.plugins().stream().anyMatch(pi -> pi.name().equals(sinkName));
                        case WatchEvent.Joined j -> j.plugin().name().equals(sinkName);
                        case WatchEvent.Left l -> false;
                    };
                }
            }
            OUT.println("discovered " + sinkName);
            SplittableRandom random = new SplittableRandom(seed);
            CRC32C crc = new CRC32C();
            byte[] block = new byte[MESSAGE];
            ByteBuffer longs = ByteBuffer.wrap(block);
            long sent = 0;
            long nextReport = 0;
            try (Channel ch = bus.connect(sinkName)) {
                OUT.println("connected " + sinkName);
                while (sent < total) {
                    int n = (int) Math.min(MESSAGE, total - sent);
                    longs.clear();
                    while (longs.remaining() >= 8) {
                        longs.putLong(random.nextLong());
                    }
                    crc.update(block, 0, n);
                    ch.send(ByteBuffer.wrap(block, 0, n));
                    sent += n;
                    if (sent >= nextReport) {
                        OUT.println("sent " + sent);
                        nextReport += 4L * 1024 * 1024;
                    }
                }
                ch.close(ByteBuffer.allocate(0));
                OUT.println("done " + sent + " " + Long.toHexString(crc.getValue()));
                try {
                    ch.receive();
                } catch (ChannelClosedException expected) {
                    // the sink closed its half after reading everything
                }
            }
            awaitExit();
        }
    }

    /** Watches; prints "snapshot N1 V1,N2 V2", "+ N V", "- N V". */
    static void watch(BusAddress address) throws Exception {
        try (MinBus bus = MinBus.connect(address)) {
            bus.watch(e -> {
                switch (e) {
                    case WatchEvent.Snapshot s -> OUT.println("snapshot " + String.join(",",
                            s.plugins().stream().map(pi -> pi.name() + " " + pi.version()).toList()));
                    case WatchEvent.Joined j -> OUT.println("+ " + j.plugin().name() + " " + j.plugin().version());
                    case WatchEvent.Left l -> OUT.println("- " + l.plugin().name() + " " + l.plugin().version());
                }
            }, failure -> OUT.println("watch failed " + failure));
            awaitExit();
        }
    }

    /**
     * Registers and echoes every message on every channel it accepts. With {@code direct} it offers
     * direct connections (docs/minbus.md §19) and says which kind each channel is.
     */
    static void echo(BusAddress address, String name, boolean direct) throws Exception {
        try (MinBus bus = MinBus.builder().address(address).acceptDirect(direct).connect()) {
            Plugin p = bus.register(name, 1);
            p.onConnect(in -> true, ch -> {
                OUT.println("accepted " + ch.peerName() + (!direct ? "" : ch.isDirect() ? " direct" : " relayed"));
                try {
                    while (true) {
                        ch.send(ch.receive());
                    }
                } catch (RuntimeException e) {
                    OUT.println("ended " + ch.peerName() + " " + e.getClass().getSimpleName());
                }
            });
            OUT.println("registered " + name + " 1");
            awaitExit();
        }
    }

    /**
     * Registers "pinger", opens a direct channel to target, checks {@code count} seeded random messages
     * come back unchanged ("echoed N direct"), then waits for the channel to end and says how.
     */
    static void directPing(BusAddress address, String target, int count, long seed) throws Exception {
        try (MinBus bus = MinBus.connect(address)) {
            bus.register("pinger", 1);
            Channel ch = bus.connect(target, io.minbus.client.Route.DIRECT);
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < count; i++) {
                byte[] m = new byte[1 + r.nextInt(r.nextBoolean() ? 100 : 200_000)];
                r.nextBytes(m);
                ch.send(ByteBuffer.wrap(m));
                ByteBuffer back = ch.receive();
                if (!back.equals(ByteBuffer.wrap(m))) {
                    OUT.println("mismatch at message " + i);
                    return;
                }
            }
            OUT.println("echoed " + count + (ch.isDirect() ? " direct" : " relayed"));
            try {
                ch.receive();
                OUT.println("unexpected message");
            } catch (ChannelBrokenException e) {
                OUT.println("broken");
            } catch (ChannelClosedException e) {
                OUT.println("closed");
            }
        }
    }

    /** Registers, connects to target, exchanges one message, then waits and reports how the channel ends. */
    static void holdRelay(BusAddress address, String name, String target) throws Exception {
        try (MinBus bus = MinBus.connect(address)) {
            bus.register(name, 1);
            try (Channel ch = bus.connect(target)) {
                ch.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
                ch.receive();
                OUT.println("relay up " + target);
                try {
                    ch.receive();
                    OUT.println("unexpected message");
                } catch (ChannelBrokenException e) {
                    OUT.println("broken " + e.reason().map(Enum::name).orElse("none"));
                } catch (RuntimeException e) {
                    OUT.println("ended " + e.getClass().getSimpleName() + " " + e.getMessage());
                }
            }
            awaitExit();
        }
    }

    /**
     * Opens {@code count} connections named PREFIX-i on virtual threads; each joins and leaves
     * {@code rounds} times (seeded), then stays registered if its seeded coin says so. Prints "final
     * NAME" for every name left registered, then "done".
     */
    static void churn(BusAddress address, String prefix, int count, int rounds, long seed) throws Exception {
        Random seeds = new Random(seed);
        List<MinBus> kept = java.util.Collections.synchronizedList(new ArrayList<>());
        ConcurrentHashMap<String, Integer> finals = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i;
            long s = seeds.nextLong();
            threads.add(Thread.ofVirtual().start(() -> {
                SplittableRandom r = new SplittableRandom(s);
                try {
                    start.await();
                    for (int round = 0; round < rounds; round++) {
                        try (MinBus bus = registerRetrying(address, name, round + 1)) {
                            bus.plugins();
                        }
                    }
                    if (r.nextBoolean()) {
                        kept.add(registerRetrying(address, name, rounds + 1));
                        finals.put(name, rounds + 1);
                    }
                } catch (Exception e) {
                    OUT.println("error " + name + " " + e);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        finals.forEach((n, v) -> OUT.println("final " + n + " " + v));
        OUT.println("done");
        awaitExit();
        kept.forEach(MinBus::close);
    }

    /**
     * Registers, retrying NAME_TAKEN with a short backoff: our own previous connection's name is free
     * only once the bus has processed its disconnection (docs/minbus.md §4.2 allows the retry).
     */
    static MinBus registerRetrying(BusAddress address, String name, int version) {
        for (int attempt = 1; ; attempt++) {
            MinBus bus = MinBus.connect(address);
            try {
                bus.register(name, version);
                return bus;
            } catch (io.minbus.client.NameTakenException e) {
                bus.close();
                if (attempt == 50) {
                    throw e;
                }
                OUT.println("retry " + name);
                java.util.concurrent.locks.LockSupport.parkNanos(attempt * 2_000_000L); // backoff, not synchronisation
            }
        }
    }

    static String tuple(PluginInfo p) {
        return p.name() + " " + p.version();
    }
}
