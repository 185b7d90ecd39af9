package io.minbus.example.kv;

import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.rpc.BusRpc;
import io.minbus.rpc.RpcNode;
import java.util.concurrent.CountDownLatch;

/**
 * The kv plugin: joins the bus named by {@code MINBUS_ADDRESS} (else the per-user default socket),
 * registers as {@code kv} and serves one shared {@link MapKeyValue} as its default instance
 * ({@code ""}) through {@link KvService}. Prints {@code registered kv 1} once it can be called.
 * Exits 0 on {@code cmd.stop} (after answering it), 3 when the bus goes away (or is not there).
 */
public final class KvPlugin {
    private KvPlugin() {}

    public static void main(String[] args) throws InterruptedException {
        String name = args.length > 0 ? args[0] : "kv";
        KeyValue kv = new MapKeyValue();
        CountDownLatch stop = new CountDownLatch(1);
        MinBus bus;
        Plugin plugin;
        try {
            bus = MinBus.connect();
            plugin = bus.register(name, 1);
        } catch (MinBusException | IllegalArgumentException e) {
            System.err.println("kv: " + e.getMessage());
            System.exit(3);
            return;
        }
        RpcNode node = RpcNode.builder()
                .instance("", request -> KvService.config(kv, endpoint -> stop.countDown()))
                .build();
        Thread serving = BusRpc.serve(plugin, node);
        Thread.ofVirtual().start(() -> {
            try {
                serving.join();
            } catch (InterruptedException e) {
                return;
            }
            if (stop.getCount() > 0) {
                System.err.println("kv: the bus went away");
                System.exit(3);
            }
        });
        System.out.println("registered " + name + " 1");
        System.out.flush();
        stop.await();
        node.close();
        bus.close();
        System.exit(0);
    }
}
