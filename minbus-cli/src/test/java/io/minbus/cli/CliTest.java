package io.minbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.client.Channel;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.IncomingConnection;
import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The commands run in this JVM (through picocli) against an embedded bus. */
@Timeout(60)
class CliTest {
    MinBusServer server;
    Map<String, String> env;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void startBus() {
        server = MinBusServer.embedded();
        env = Map.of("MINBUS_ADDRESS", server.addresses().get(0).toString());
    }

    @AfterEach
    void stopBus() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        server.close();
        pool.shutdownNow();
    }

    MinBus bus() {
        MinBus b = MinBus.connect(server.addresses().get(0));
        toClose.add(b);
        return b;
    }

    /** A plugin that echoes every message of every connection. */
    Plugin echo(String name, int version) {
        Plugin p = bus().register(name, version);
        p.onConnect(ch -> {
            try {
                while (true) {
                    ch.send(ch.receive());
                }
            } catch (ChannelClosedException e) {
                // the other side is done; the handler's return closes our half
            }
        });
        return p;
    }

    // ------------------------------------------------------------------ usage, help, exit codes

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        Cli.Result r = Cli.run(env, "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("serve", "ls", "watch", "connect", "register", "demo", "--address",
                "Exit codes:", "3   bus not reachable", "6   channel broken");
        assertThat(Cli.run(env, "--version").out()).startsWith("minbus ");
        for (String command : new String[] {"serve", "ls", "watch", "connect", "register", "demo"}) {
            assertThat(Cli.run(env, command, "--help").exitCode()).as(command).isZero();
        }
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(Cli.run(env).exitCode()).isEqualTo(2);
        assertThat(Cli.run(env, "frobnicate").exitCode()).isEqualTo(2);
        assertThat(Cli.run(env, "ls", "--bogus").exitCode()).isEqualTo(2);
        assertThat(Cli.run(env, "connect").exitCode()).isEqualTo(2); // NAME missing
        assertThat(Cli.run(env, "register", "x").exitCode()).isEqualTo(2); // --exec missing
        Cli.Result bad = Cli.run(env, "--address", "smtp:nowhere", "ls");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--address");
        Cli.Result badEnv = Cli.run(Map.of("MINBUS_ADDRESS", "nonsense"), "ls");
        assertThat(badEnv.exitCode()).isEqualTo(2);
        assertThat(badEnv.err()).contains("MINBUS_ADDRESS is not a bus address");
        assertThat(Cli.run(env, "serve", "--relay-buffer", "lots").exitCode()).isEqualTo(2);
        assertThat(Cli.run(env, "serve", "--relay-buffer", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void noBusIsExit3WithAHint(@TempDir Path dir) {
        Cli.Result r = Cli.run(Map.of(), "--address", "unix:" + dir.resolve("none.sock"), "ls");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("minbus: cannot connect to unix:").contains("minbus serve");
        // the global option works after the subcommand too
        assertThat(Cli.run(Map.of(), "ls", "--address", "unix:" + dir.resolve("none.sock")).exitCode()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ ls, watch

    @Test
    void lsPrintsNameAndVersionPerLine() {
        assertThat(Cli.run(env, "ls")).isEqualTo(new Cli.Result(0, "", ""));
        bus().register("kv", 3);
        bus().register("log", 12);
        bus().plugins(); // a nameless client: not listed
        Cli.Result r = Cli.run(env, "ls");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("kv 3\nlog 12\n");
    }

    @Test
    void keysOptionsListLocalPluginsWithoutAKey() throws Exception {
        bus().register("kv", 3);
        assertThat(Cli.run(env, "ls", "--keys")).isEqualTo(new Cli.Result(0, "kv 3\n", "")); // proved no key
        Cli.Running w = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]), "watch", "--keys");
        assertThat(w.nextLine()).isEqualTo("kv 3");
        bus().register("log", 1);
        assertThat(w.nextLine()).isEqualTo("+ log 1");
        assertThat(w.stop().exitCode()).isZero();
    }

    @Test
    void watchPrintsTheSnapshotThenChanges() throws Exception {
        bus().register("kv", 3);
        Cli.Running w = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]), "watch");
        assertThat(w.nextLine()).isEqualTo("kv 3");
        MinBus log = MinBus.connect(server.addresses().get(0));
        log.register("log", 1);
        assertThat(w.nextLine()).isEqualTo("+ log 1");
        log.close();
        assertThat(w.nextLine()).isEqualTo("- log 1");
        Cli.Result r = w.stop();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("kv 3\n+ log 1\n- log 1\n");
    }

    @Test
    void watchExits3WhenTheBusGoesAway() throws Exception {
        bus().register("kv", 3);
        Cli.Running w = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]), "watch");
        assertThat(w.nextLine()).isEqualTo("kv 3");
        server.close();
        Cli.Result r = w.result();
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("minbus: ");
    }

    // ------------------------------------------------------------------ connect

    @Test
    void connectJoinsStdinAndStdoutToAChannel() {
        echo("echo", 2);
        long seed = System.nanoTime();
        System.out.println("CliTest.connectJoinsStdinAndStdoutToAChannel: seed " + seed);
        byte[] data = new byte[300_000 + new Random(seed).nextInt(100_000)];
        new Random(seed).nextBytes(data);
        Cli.Result r = Cli.run(env, data, "connect", "echo", "--min-version", "2");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().getBytes(StandardCharsets.ISO_8859_1).length).isPositive();
        Cli.Running run = Cli.start(env, new java.io.ByteArrayInputStream(data), "connect", "echo");
        run.result();
        assertThat(run.out().bytes()).isEqualTo(data);
    }

    @Test
    void connectFailuresHaveTheirExitCodes() throws Exception {
        echo("echo", 2);
        Cli.Result none = Cli.run(env, "connect", "nobody");
        assertThat(none.exitCode()).isEqualTo(4);
        assertThat(none.err()).contains("no plugin named \"nobody\"");
        Cli.Result old = Cli.run(env, "connect", "echo", "--min-version", "3");
        assertThat(old.exitCode()).isEqualTo(5);
        assertThat(old.err()).contains("has version 2, below the minimum 3");
        Plugin picky = bus().register("picky", 1);
        CompletableFuture<Void> denying = CompletableFuture.runAsync(() -> picky.accept().deny(), pool);
        Cli.Result denied = Cli.run(env, "connect", "picky");
        assertThat(denied.exitCode()).isEqualTo(5);
        assertThat(denied.err()).contains("denied");
        denying.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBrokenChannelIsExit6AfterTheDataReceived() throws Exception {
        MinBus leaving = MinBus.connect(server.addresses().get(0));
        Plugin p = leaving.register("leaving", 1);
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feed);
        Cli.Running run = Cli.start(env, stdin, "connect", "leaving");
        IncomingConnection in = p.accept(Cli.WAIT).orElseThrow();
        Channel ch = in.accept();
        ch.send(ByteBuffer.wrap("partial answer\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(run.nextLine()).isEqualTo("partial answer");
        leaving.close(); // goes away without closing the channel
        Cli.Result r = run.result();
        feed.close();
        assertThat(r.exitCode()).isEqualTo(6);
        assertThat(r.err()).contains("broken", "\"leaving\" went away");
        assertThat(r.out()).isEqualTo("partial answer\n");
    }

    // ------------------------------------------------------------------ register

    @Test
    void registerServesEachConnectionWithTheCommand() throws Exception {
        Cli.Running reg = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]),
                "register", "upper", "--version", "4", "--exec", "tr a-z A-Z");
        assertThat(reg.nextLine()).isEqualTo("registered upper 4");
        assertThat(bus().plugins()).extracting(p -> p.name() + " " + p.version()).containsExactly("upper 4");
        // concurrent connections, each its own process
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String word = "word" + i;
            MinBus client = bus();
            replies.add(CompletableFuture.supplyAsync(() -> {
                try (Channel ch = client.connect("upper")) {
                    ch.send(ByteBuffer.wrap(word.getBytes(StandardCharsets.UTF_8)));
                    ch.close(ByteBuffer.allocate(0)); // EOF on tr's stdin
                    StringBuilder got = new StringBuilder();
                    try {
                        while (true) {
                            got.append(StandardCharsets.UTF_8.decode(ch.receive()));
                        }
                    } catch (ChannelClosedException e) {
                        return got.toString(); // tr exited: our half was closed
                    }
                }
            }, pool));
        }
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).get(20, TimeUnit.SECONDS)).isEqualTo("WORD" + i);
        }
        Cli.Result taken = Cli.run(env, "register", "upper", "--exec", "cat");
        assertThat(taken.exitCode()).isEqualTo(5);
        assertThat(taken.err()).contains("\"upper\" is taken");
        assertThat(reg.stop().exitCode()).isZero();
        assertThat(bus().plugins()).isEmpty();
    }

    @Test
    void registerAndConnectTogetherMakeAnEchoAndTellThePeer() throws Exception {
        Cli.Running reg = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]),
                "register", "who", "--exec", "echo \"peer=[$MINBUS_PEER] version=$MINBUS_PEER_VERSION\"; cat");
        assertThat(reg.nextLine()).isEqualTo("registered who 0");
        Cli.Result r = Cli.run(env, "hello\n".getBytes(StandardCharsets.UTF_8), "connect", "who");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("peer=[] version=0\nhello\n");
        assertThat(reg.stop().exitCode()).isZero();
    }

    @Test
    void registerWithADirectDirectoryServesAConnectOverADirectRoute(@TempDir Path tmp) throws Exception {
        Cli.Running reg = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]),
                "register", "upper", "--direct-dir", tmp.resolve("direct").toString(), "--exec", "tr a-z A-Z");
        assertThat(reg.nextLine()).isEqualTo("registered upper 0");
        Cli.Result r = Cli.run(env, "hello\n".getBytes(StandardCharsets.UTF_8), "connect", "upper", "--route", "direct");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("HELLO\n");
        assertThat(server.stats().directOffers()).as("the bus introduced a direct connection").isEqualTo(1);
        assertThat(reg.stop().exitCode()).isZero();
    }

    @Test
    void aDirectRouteToAPluginThatOffersNoneIsExit5AndPreferDirectFallsBackToTheRelay() throws Exception {
        Cli.Running reg = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]),
                "register", "upper", "--exec", "tr a-z A-Z"); // no --accept-direct
        assertThat(reg.nextLine()).isEqualTo("registered upper 0");
        Cli.Result direct = Cli.run(env, "hi\n".getBytes(StandardCharsets.UTF_8), "connect", "upper", "--route", "direct");
        assertThat(direct.exitCode()).isEqualTo(5);
        assertThat(direct.err()).startsWith("minbus: ");
        Cli.Result prefer = Cli.run(env, "hi\n".getBytes(StandardCharsets.UTF_8), "connect", "upper", "--route", "prefer-direct");
        assertThat(prefer.exitCode()).isZero();
        assertThat(prefer.out()).isEqualTo("HI\n");
        Cli.Result bad = Cli.run(env, "connect", "upper", "--route", "sideways");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("expected relayed, direct or prefer-direct, not 'sideways'");
        assertThat(reg.stop().exitCode()).isZero();
    }

    @Test
    void registerExits3WhenTheBusGoesAway() throws Exception {
        Cli.Running reg = Cli.start(env, new java.io.ByteArrayInputStream(new byte[0]),
                "register", "x", "--exec", "cat");
        assertThat(reg.nextLine()).isEqualTo("registered x 0");
        server.close();
        assertThat(reg.result().exitCode()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ serve, demo

    @Test
    void servePrintsItsAddressesAndStopsCleanly(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("bus.sock");
        Cli.Running serve = Cli.start(Map.of(), new java.io.ByteArrayInputStream(new byte[0]),
                "serve", "--listen", "unix:" + socket, "--listen", "net:127.0.0.1:0", "--loops", "1",
                "--relay-buffer", "16k", "--heartbeat-interval", "5s", "--heartbeat-timeout", "10s",
                "--visibility-timeout", "5s", "--max-visibility-questions", "16");
        assertThat(serve.nextLine()).isEqualTo("unix:" + socket);
        String tcp = serve.nextLine();
        assertThat(tcp).startsWith("net:127.0.0.1:").doesNotEndWith(":0");
        try (MinBus viaTcp = MinBus.connect(BusAddress.parse(tcp)); MinBus viaUnix = MinBus.connect(BusAddress.parse("unix:" + socket))) {
            viaTcp.register("t", 1);
            assertThat(viaUnix.plugins()).extracting(p -> p.name()).containsExactly("t");
        }
        assertThat(Files.exists(socket)).isTrue();
        Cli.Result r = serve.stop();
        assertThat(r.exitCode()).isZero();
        assertThat(Files.exists(socket)).isFalse();
        // the default address comes from --address (or MINBUS_ADDRESS)
        Cli.Running again = Cli.start(Map.of("MINBUS_ADDRESS", "unix:" + socket),
                new java.io.ByteArrayInputStream(new byte[0]), "serve");
        assertThat(again.nextLine()).isEqualTo("unix:" + socket);
        Cli.Result busy = Cli.run(Map.of(), "serve", "--listen", "unix:" + socket);
        assertThat(busy.exitCode()).isEqualTo(1);
        assertThat(busy.err()).contains("address in use");
        assertThat(again.stop().exitCode()).isZero();
    }

    @Test
    void demoRunsQuicklyAndExplainsItself() {
        long start = System.nanoTime();
        Cli.Result r = Cli.run(Map.of(), "demo");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("[greeter] registered as greeter, version 1", "[watcher] + greeter 1",
                "[watcher] + counter 2", "VersionTooLowException", "<- greeter: hello, one!",
                "[watcher] - counter 2", "[watcher] - greeter 1", "socket file is gone: true");
        assertThat(ms).isLessThan(5_000);
        assertThat(Duration.ofMillis(ms)).isPositive();
    }
}
