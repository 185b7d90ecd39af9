package io.minbus.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the report says about the machine and the software measured. */
public final class MachineInfo {

    private MachineInfo() {
    }

    public static Map<String, String> collect() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("date", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
        String cpu = firstMatch("/proc/cpuinfo", "model name");
        String flags = firstMatch("/proc/cpuinfo", "flags");
        m.put("CPU", cpu + ", " + Runtime.getRuntime().availableProcessors() + " vCPUs"
                + (flags.contains("hypervisor") ? " (virtual machine)" : ""));
        m.put("memory", memory());
        m.put("kernel", read("/proc/sys/kernel/osrelease"));
        m.put("OS", osRelease());
        m.put("JDK", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("gcc", command("gcc", "--version"));
        m.put("dbus-broker", command("dbus-broker", "--version"));
        m.put("dbus-daemon", command("dbus-daemon", "--version"));
        m.put("libsystemd (sd-bus)", command("pkg-config", "--modversion", "libsystemd"));
        m.put("gRPC-java / Netty", grpcVersions());
        return m;
    }

    private static String grpcVersions() {
        String grpc;
        try { // grpc-core is a runtime dependency only
            grpc = String.valueOf(Class.forName("io.grpc.internal.GrpcUtil").getField("IMPLEMENTATION_VERSION").get(null));
        } catch (ReflectiveOperationException e) {
            grpc = "?";
        }
        String netty = "?";
        // the shaded jar keeps only one io.netty.versions.properties, so read the Maven metadata instead
        try (var in = MachineInfo.class.getResourceAsStream("/META-INF/maven/io.netty/netty-transport-native-epoll/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                netty = p.getProperty("version", "?");
            }
        } catch (IOException e) {
            // leave "?"
        }
        return grpc + " / " + netty;
    }

    private static String memory() {
        String kb = firstMatch("/proc/meminfo", "MemTotal").replaceAll("[^0-9]", "");
        return kb.isEmpty() ? "?" : String.format("%.0f GiB", Long.parseLong(kb) / 1024.0 / 1024.0);
    }

    private static String osRelease() {
        for (String line : lines("/etc/os-release")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring(12).replace("\"", "");
            }
        }
        return "?";
    }

    private static String firstMatch(String file, String key) {
        for (String line : lines(file)) {
            if (line.startsWith(key)) {
                int colon = line.indexOf(':');
                return colon < 0 ? line : line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String read(String file) {
        List<String> l = lines(file);
        return l.isEmpty() ? "?" : l.get(0).trim();
    }

    /** First line of a command's output, or "not installed". */
    static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "not installed";
            }
            return out.lines().findFirst().orElse("").trim();
        } catch (IOException | InterruptedException e) {
            return "not installed";
        }
    }
}
