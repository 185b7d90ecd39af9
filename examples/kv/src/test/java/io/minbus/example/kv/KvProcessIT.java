package io.minbus.example.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.client.MinBus;
import io.minbus.client.NoSuchPluginException;
import io.minbus.rpc.BusRpc;
import io.minbus.server.MinBusServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kv example as real processes: the plugin ({@code java -jar target/minbus-example-kv.jar})
 * against an embedded bus on a Unix socket, used through its interface from this JVM and from the
 * {@code KvHost} main, and from the shell with {@code bin/minbus call}.
 */
@Timeout(300)
class KvProcessIT {
    static final Path HERE = Path.of(System.getProperty("user.dir"));
    static final Path ROOT = HERE.resolve("../..").normalize();
    static final Path KV_JAR = HERE.resolve("target/minbus-example-kv.jar");
    static final Path MINBUS = ROOT.resolve("bin/minbus");
    static final Path MINBUS_JAR = ROOT.resolve("minbus-cli/target/minbus.jar");
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final long WAIT = 60;
    static final String FAST_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto";

    MinBusServer server;
    String address;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        assertThat(KV_JAR).as("built by the package phase").exists();
        server = MinBusServer.embedded();
        address = server.addresses().get(0).toString();
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
        server.close();
    }

    record Run(int exit, String out, String err) {}

    Process start(List<String> command, byte[] stdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("MINBUS_ADDRESS", address);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("MINBUS_JAVA_OPTS", FAST_START); // many short JVMs on a busy machine
        Process p = pb.start();
        processes.add(p);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // it did not read its stdin
        }
        return p;
    }

    Run run(byte[] stdin, List<String> command) throws Exception {
        Process p = start(command, stdin);
        CompletableFuture<byte[]> out = readAll(p.getInputStream());
        CompletableFuture<byte[]> err = readAll(p.getErrorStream());
        assertThat(p.waitFor(WAIT, TimeUnit.SECONDS)).as("%s exited", command).isTrue();
        return new Run(p.exitValue(), new String(out.get(WAIT, TimeUnit.SECONDS), UTF_8),
                new String(err.get(WAIT, TimeUnit.SECONDS), UTF_8));
    }

    /** {@code bin/minbus ARGS}, with the jar this build made taken as fresh. */
    Run minbus(String... args) throws Exception {
        return minbusIn(new byte[0], args);
    }

    Run minbusIn(byte[] stdin, String... args) throws Exception {
        assertThat(MINBUS_JAR).as("built by minbus-cli's package phase").exists();
        Files.setLastModifiedTime(MINBUS_JAR, FileTime.from(Instant.now()));
        List<String> command = new ArrayList<>(List.of(MINBUS.toString()));
        command.addAll(List.of(args));
        return run(stdin, command);
    }

    static CompletableFuture<byte[]> readAll(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.complete(new byte[0]);
            }
        });
        return f;
    }

    /** Starts the kv plugin and waits for its "registered" line. */
    Process startPlugin() throws Exception {
        Process p = start(List.of(JAVA, "-jar", KV_JAR.toString()), new byte[0]);
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return lines.readLine();
            } catch (IOException e) {
                return null;
            }
        }, r -> Thread.ofVirtual().start(r));
        assertThat(first.get(WAIT, TimeUnit.SECONDS)).isEqualTo("registered kv 1");
        readAll(p.getErrorStream());
        return p;
    }

    @Test
    void javaHostAndShellUseThePluginProcess() throws Exception {
        long seed = System.nanoTime();
        System.out.println("KvProcessIT: seed " + seed);
        Random random = new Random(seed);
        String key = "key" + random.nextInt(1000);
        String value = "value with spaces " + random.nextInt(1000);
        Process plugin = startPlugin();

        // a Java host in this JVM, through the interface
        try (MinBus bus = MinBus.connect(server.addresses().get(0))) {
            KeyValue kv = BusRpc.proxy(bus, "kv", KeyValue.class);
            kv.put(key, value);
            assertThat(kv.get(key)).contains(value);
            assertThat(kv.get("missing")).isEmpty();
        }

        // the KvHost main as a process
        Run hostPut = run(new byte[0], List.of(JAVA, "-XX:TieredStopAtLevel=1", "-cp", KV_JAR.toString(), "io.minbus.example.kv.KvHost",
                "put", "fromhost", "h"));
        assertThat(hostPut.err()).isEmpty();
        assertThat(hostPut.exit()).isZero();
        Run hostGet = run(new byte[0], List.of(JAVA, "-XX:TieredStopAtLevel=1", "-cp", KV_JAR.toString(), "io.minbus.example.kv.KvHost",
                "get", key));
        assertThat(hostGet.exit()).isZero();
        assertThat(hostGet.out()).isEqualTo(value + "\n");

        // the shell: text bodies
        Run get = minbus("call", "kv", "get", key);
        assertThat(get.err()).isEmpty();
        assertThat(get.exit()).isZero();
        assertThat(get.out()).isEqualTo(value + "\n");
        Run put = minbus("call", "kv", "put", "shell", "from", "the", "shell");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(minbus("call", "kv", "get", "shell").out()).isEqualTo("from the shell\n");
        Run stdin = minbusIn("piped k2 v2".getBytes(UTF_8), "call", "kv", "put", "-");
        assertThat(stdin.exit()).as(stdin.err()).isZero();
        assertThat(minbus("call", "kv", "keys").out()).isEqualTo("fromhost\n" + key + "\npiped\nshell\n");
        // the shell: typed JSON bodies, and the built-ins
        assertThat(minbus("call", "kv", "put", "[\"j\",\"son\"]").exit()).isZero();
        assertThat(minbus("call", "kv", "get", "[\"j\"]").out()).isEqualTo("\"son\"");
        assertThat(minbus("call", "kv", "get", "[\"nope\"]").out()).isEqualTo("null");
        assertThat(minbus("call", "kv", "cmd.ping", "hello").out()).isEqualTo("hello");
        assertThat(minbus("call", "kv", "GetMetadata").out()).contains("\"commands\"").contains("\"get\"");

        // errors and exit codes
        Run missing = minbus("call", "kv", "get", "nope");
        assertThat(missing.exit()).isEqualTo(7);
        assertThat(missing.err()).contains("java.util.NoSuchElementException").contains("no key 'nope'");
        Run unknown = minbus("call", "kv", "frob");
        assertThat(unknown.exit()).isEqualTo(7);
        assertThat(unknown.err()).contains("UnknownCommandException");
        Run noInstance = minbus("call", "kv", "get", "k", "--instance", "other");
        assertThat(noInstance.exit()).isEqualTo(5);
        Run nobody = minbus("call", "nobody", "get", "k");
        assertThat(nobody.exit()).isEqualTo(4);
        Run usage = minbus("call", "kv");
        assertThat(usage.exit()).isEqualTo(2);

        // cmd.stop: the plugin answers, then exits 0 and its name goes away
        Run stop = minbus("call", "kv", "cmd.stop");
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(plugin.waitFor(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(plugin.exitValue()).isZero();
        assertThat(minbus("call", "kv", "get", key).exit()).isEqualTo(4);
        try (MinBus bus = MinBus.connect(server.addresses().get(0))) {
            assertThatThrownBy(() -> BusRpc.proxy(bus, "kv", KeyValue.class)).isInstanceOf(NoSuchPluginException.class);
        }
    }

    @Test
    void exitCodesWhenThePluginIsKilledAndWhenThereIsNoBus() throws Exception {
        Process plugin = startPlugin();
        plugin.destroyForcibly(); // SIGKILL: the bus notices the lost connection and frees the name
        assertThat(plugin.waitFor(WAIT, TimeUnit.SECONDS)).isTrue();
        Run gone = minbus("call", "kv", "get", "k");
        assertThat(gone.exit()).isEqualTo(4);
        server.close();
        Run noBus = minbus("call", "kv", "get", "k");
        assertThat(noBus.exit()).isEqualTo(3);
        assertThat(noBus.err()).startsWith("minbus: ");
    }
}
