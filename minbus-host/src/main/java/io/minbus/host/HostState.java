package io.minbus.host;

import io.minbus.client.MinBus;
import io.minbus.protocol.PluginInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The host's state file for reattaching (docs/host.md section 15): one line per running plugin,
 * {@code <name> <pid> <process start time in epoch milliseconds>}, rewritten atomically (mode 0600)
 * whenever a plugin becomes ready or exits.
 */
final class HostState {

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();

    /** One line of the file. */
    record Entry(String name, long pid, long startMillis) {
        String line() {
            return name + " " + pid + " " + startMillis;
        }
    }

    HostState(Path file) {
        this.file = file;
    }

    void ready(Launch launch) {
        ProcessHandle.of(launch.pid()).flatMap(h -> h.info().startInstant()).ifPresent(start -> update(m ->
                m.put(launch.name(), new Entry(launch.name(), launch.pid(), start.toEpochMilli()))));
    }

    void exited(Launch launch) {
        update(m -> {
            Entry e = m.get(launch.name());
            if (e != null && e.pid() == launch.pid()) {
                m.remove(launch.name());
            }
        });
    }

    List<AdoptedPlugin> reattach(MinBus bus) {
        Set<String> registered = bus.plugins().stream().map(PluginInfo::name).collect(Collectors.toSet());
        List<AdoptedPlugin> adopted = new ArrayList<>();
        update(m -> {
            m.values().removeIf(e -> {
                Optional<ProcessHandle> h = ProcessHandle.of(e.pid()).filter(ProcessHandle::isAlive)
                        .filter(ph -> ph.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == e.startMillis());
                if (h.isEmpty() || !registered.contains(e.name())) {
                    return true;
                }
                adopted.add(new AdoptedPlugin(e.name(), h.get(), this));
                return false;
            });
        });
        return adopted;
    }

    void forget(AdoptedPlugin p) {
        update(m -> {
            Entry e = m.get(p.name());
            if (e != null && e.pid() == p.pid()) {
                m.remove(p.name());
            }
        });
    }

    private void update(java.util.function.Consumer<Map<String, Entry>> change) {
        lock.lock();
        try {
            Map<String, Entry> m = read();
            change.accept(m);
            write(m);
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Entry> read() {
        Map<String, Entry> m = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.strip().split(" ");
                if (f.length == 3) {
                    try {
                        m.put(f[0], new Entry(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
                    } catch (NumberFormatException e) {
                        // a damaged line: dropped
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the host state file " + file + ": " + e.getMessage(), e);
        }
        return m;
    }

    private void write(Map<String, Entry> m) {
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".minbus-host-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, m.values().stream().map(Entry::line).toList(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the host state file " + file + ": " + e.getMessage(), e);
        }
    }
}
