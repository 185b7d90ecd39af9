package io.minbus.reliability;

import io.minbus.client.BusGoneException;
import io.minbus.client.Channel;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.mux.SessionConfig;
import io.minbus.protocol.PluginInfo;
import io.minbus.transport.BusAddress;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

/**
 * A child JVM of the chaos test and the soak script: holds several {@link MinBus} connections, each
 * registered as {@code p<jvm>-<slot>-<generation>}, and streams checksummed messages to random other
 * plugins over channels. Every message is {@code seq (8 bytes) | random bytes}; the sender closes its
 * half with {@code count | bytes | crc32} and the receiver checks that a normally closed channel
 * delivered every byte in order. Prints {@code STATS ok=.. broken=.. sent=.. err=..} every second and
 * {@code ERR ...} for every broken invariant. Commands on stdin: {@code hold} (stop churning and
 * streaming, stay registered), {@code quit} (close every connection and exit 0); EOF = quit.
 *
 * <pre>args: unix-socket-path jvm-index connections seed heartbeat-ms [churn 0|1]</pre>
 */
public final class ChaosPlugin {
    private final BusAddress address;
    private final int jvm;
    private final SessionConfig session;
    private final long seed;
    private volatile boolean hold;
    private volatile boolean quit;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong okBytes = new AtomicLong();
    private final AtomicLong broken = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong iseAfterEnd = new AtomicLong();
    private final ConcurrentHashMap<Integer, MinBus> open = new ConcurrentHashMap<>();

    private ChaosPlugin(BusAddress address, int jvm, long seed, Duration heartbeat) {
        this.address = address;
        this.jvm = jvm;
        this.seed = seed;
        this.session = SessionConfig.builder().heartbeatInterval(heartbeat).heartbeatTimeout(heartbeat.multipliedBy(4)).build();
    }

    public static void main(String[] args) throws Exception {
        BusAddress address = new BusAddress.Unix(java.nio.file.Path.of(args[0]));
        int jvm = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        Duration heartbeat = Duration.ofMillis(Long.parseLong(args[4]));
        ChaosPlugin p = new ChaosPlugin(address, jvm, seed, heartbeat);
        System.out.println("START jvm=" + jvm + " pid=" + ProcessHandle.current().pid() + " seed=" + seed);
        for (int slot = 0; slot < connections; slot++) {
            int s = slot;
            Thread.ofVirtual().name("slot-" + slot).start(() -> p.slot(s));
        }
        Thread.ofPlatform().daemon().name("stats").start(() -> {
            while (true) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                p.printStats();
            }
        });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("hold")) {
                p.hold = true;
                System.out.println("HOLDING");
            } else if (line.equals("quit")) {
                break;
            }
        }
        p.quit = true;
        p.hold = true;
        p.open.values().forEach(MinBus::close);
        p.printStats();
        System.out.println("BYE");
        System.out.flush();
        System.exit(0);
    }

    private void printStats() {
        System.out.println("STATS ok=" + ok + " okBytes=" + okBytes + " broken=" + broken + " sent=" + sent
                + " err=" + errors + " reconnects=" + reconnects + " iseAfterEnd=" + iseAfterEnd + " open=" + open.size());
    }

    private void error(String what) {
        errors.incrementAndGet();
        System.out.println("ERR jvm=" + jvm + " " + what);
    }

    private void slot(int slot) {
        SplittableRandom random = new SplittableRandom(seed * 1000 + slot);
        int generation = 0;
        while (!quit) {
            String name = "p" + jvm + "-" + slot + "-" + generation++;
            MinBus bus;
            try {
                bus = MinBus.builder().address(address).session(session).connect();
            } catch (MinBusException e) {
                reconnects.incrementAndGet();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50 + random.nextInt(200))); // back-off, not sync
                continue;
            }
            open.put(slot, bus);
            try {
                Plugin me = bus.register(name, 1);
                me.onConnect(ch -> receive(ch, bus));
                int rounds = 2 + random.nextInt(30);
                for (int r = 0; (r < rounds || hold) && !quit; r++) {
                    if (hold) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // idle while held
                        if (!bus.isOpen()) {
                            break;
                        }
                        r = 0;
                        continue;
                    }
                    List<PluginInfo> others = bus.plugins();
                    if (others.isEmpty()) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                        continue;
                    }
                    stream(bus, others.get(random.nextInt(others.size())).name(), random);
                }
            } catch (BusGoneException e) {
                reconnects.incrementAndGet();
            } catch (MinBusException e) {
                // name taken after a reconnect, refused etc.: try again with the next generation
                reconnects.incrementAndGet();
            } finally {
                if (!quit) {
                    open.remove(slot, bus);
                    bus.close();
                }
            }
            if (hold && !quit) {
                // a slot that lost its connection while held comes back (so the registry settles)
                continue;
            }
        }
    }

    private void stream(MinBus bus, String target, SplittableRandom random) {
        Channel ch;
        try {
            ch = bus.connect(target);
        } catch (BusGoneException e) {
            throw e;
        } catch (MinBusException e) {
            return; // gone meanwhile, refused, limits
        }
        try (ch) {
            int count = 1 + random.nextInt(60);
            CRC32 crc = new CRC32();
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                byte[] m = new byte[8 + random.nextInt(4096)];
                for (int k = 8; k < m.length; k++) {
                    m[k] = (byte) random.nextInt(256);
                }
                ByteBuffer.wrap(m).putLong(0, i);
                crc.update(m);
                bytes += m.length;
                ch.send(ByteBuffer.wrap(m));
            }
            ch.close(ByteBuffer.allocate(24).putLong(count).putLong(bytes).putLong(crc.getValue()).flip());
            sent.incrementAndGet();
        } catch (BusGoneException e) {
            throw e;
        } catch (MinBusException e) {
            // the target went away (killed, left): the channel is broken; fine
        }
    }

    private void receive(Channel ch, MinBus bus) {
        CRC32 crc = new CRC32();
        long count = 0;
        long bytes = 0;
        try (ch) {
            while (true) {
                ByteBuffer m = ch.receive();
                byte[] a = new byte[m.remaining()];
                m.get(a);
                if (a.length < 8 || ByteBuffer.wrap(a).getLong(0) != count) {
                    error("out of order from " + ch.peerName() + ": expected seq " + count + ", got "
                            + (a.length < 8 ? "a " + a.length + "-byte message" : ByteBuffer.wrap(a).getLong(0)));
                    return;
                }
                crc.update(a);
                count++;
                bytes += a.length;
            }
        } catch (ChannelClosedException e) {
            ByteBuffer r = e.reason();
            if (r.remaining() != 24) {
                error("close reason of " + r.remaining() + " bytes from " + ch.peerName());
                return;
            }
            long c = r.getLong(r.position());
            long b = r.getLong(r.position() + 8);
            long s = r.getLong(r.position() + 16);
            if (c != count || b != bytes || s != crc.getValue()) {
                error("closed normally but incomplete from " + ch.peerName() + ": sent " + c + " msgs/" + b
                        + " bytes/crc " + s + ", received " + count + "/" + bytes + "/" + crc.getValue());
            } else {
                ok.incrementAndGet();
                okBytes.addAndGet(bytes);
            }
        } catch (MinBusException e) {
            broken.incrementAndGet();
        } catch (IllegalStateException e) {
            if (!bus.isOpen()) {
                // docs/reliability.md bug 3: receive() on a channel of a connection that ended throws
                // IllegalStateException instead of BusGoneException / ChannelBrokenException
                if (iseAfterEnd.getAndIncrement() == 0) {
                    System.err.println("jvm " + jvm + ": IllegalStateException from Channel.receive() after the bus connection ended:");
                    e.printStackTrace();
                }
                broken.incrementAndGet();
            } else {
                e.printStackTrace();
                error("unexpected " + e);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            error("unexpected " + e);
        }
    }
}
