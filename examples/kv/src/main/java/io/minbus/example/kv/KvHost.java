package io.minbus.example.kv;

import io.minbus.client.MinBus;
import io.minbus.rpc.BusRpc;

/**
 * A Java host that uses the kv plugin through its interface: {@code KvHost put KEY VALUE}, {@code
 * KvHost get KEY} (prints the value, exits 1 if there is none), {@code KvHost keys}.
 */
public final class KvHost {
    private KvHost() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: KvHost put KEY VALUE | get KEY | keys");
            System.exit(2);
        }
        int exit = 0;
        try (MinBus bus = MinBus.connect()) {
            KeyValue kv = BusRpc.proxy(bus, "kv", KeyValue.class);
            switch (args[0]) {
                case "put" -> kv.put(args[1], args[2]);
                case "get" -> {
                    var value = kv.get(args[1]);
                    value.ifPresent(System.out::println);
                    exit = value.isPresent() ? 0 : 1;
                }
                case "keys" -> kv.keys().forEach(System.out::println);
                default -> {
                    System.err.println("usage: KvHost put KEY VALUE | get KEY | keys");
                    exit = 2;
                }
            }
        } catch (RuntimeException e) {
            System.err.println("kv-host: " + e.getMessage());
            exit = 1;
        }
        System.exit(exit);
    }
}
