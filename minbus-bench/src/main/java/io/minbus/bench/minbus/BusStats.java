package io.minbus.bench.minbus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Asks {@link BusMain}'s side socket for the server's figures. */
final class BusStats {

    private BusStats() {
    }

    /** The server's figures now; with {@code gc}, after a full GC in the server (live heap). */
    static Map<String, Double> query(Path socket, boolean gc) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Channels.newOutputStream(ch).write((gc ? "gc\n" : "stats\n").getBytes(StandardCharsets.UTF_8));
            String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new IOException("the bus closed its stats socket without an answer");
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (String f : line.trim().split("\\s+")) {
                int eq = f.indexOf('=');
                m.put(f.substring(0, eq), Double.parseDouble(f.substring(eq + 1)));
            }
            return m;
        }
    }

    /** {@code key} of the figures, failing clearly if the bus did not report it. */
    static double get(Map<String, Double> figures, String key) {
        Double v = figures.get(key);
        if (v == null) {
            throw new IllegalStateException("the bus reported no '" + key + "': " + figures);
        }
        return v;
    }
}
