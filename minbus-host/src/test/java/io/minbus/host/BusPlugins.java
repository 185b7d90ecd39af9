package io.minbus.host;

import io.minbus.client.Channel;
import io.minbus.client.MinBusException;
import java.util.HashMap;
import java.util.Map;

/** Java plugins built on the plugin SDK ({@link PluginMain}, {@link PluginRuntime}), run as real child processes. */
final class BusPlugins {

    private BusPlugins() {}

    static void echo(Channel ch) {
        try {
            while (true) {
                ch.send(ch.receive());
            }
        } catch (MinBusException e) {
            // the other side closed or went away
        }
    }

    /** Registers, answers the challenge, echoes every message on every channel; exits 0 when asked to stop. */
    static final class Echo {
        public static void main(String[] args) {
            PluginMain.run(PluginRuntime.builder().version(2), rt -> {
                System.out.println("echo plugin up, protocol " + rt.protocolVersion());
                rt.plugin().onConnect(BusPlugins::echo);
            });
        }
    }

    /** Like {@link Echo} but proves a different secret than the one the host gave it. */
    static final class WrongSecret {
        public static void main(String[] args) {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put(PluginEnvironment.SECRET, "00".repeat(32));
            PluginMain.run(PluginRuntime.builder().environment(PluginEnvironment.from(env)), rt -> { });
        }
    }

    /** The typed contract {@link Rpc} serves. */
    public interface Greeter {
        String greet(String name);

        int add(int a, int b);
    }

    /** Serves {@link Greeter} over minbus-rpc ({@code BusRpc.serve}) as its default instance. */
    static final class Rpc {
        public static void main(String[] args) {
            PluginMain.run(PluginRuntime.builder().version(1), rt -> io.minbus.rpc.BusRpc.serve(rt.plugin(),
                    io.minbus.rpc.RpcNode.builder().instance("", Greeter.class, request -> new Greeter() {
                        @Override
                        public String greet(String name) {
                            return "hello " + name + " from pid " + ProcessHandle.current().pid();
                        }

                        @Override
                        public int add(int a, int b) {
                            return a + b;
                        }
                    }).build()));
        }
    }

    /** Like {@link Echo} but keeps running when its host is gone (for reattaching). */
    static final class Survivor {
        public static void main(String[] args) {
            PluginMain.run(PluginRuntime.builder().watchHost(false), rt -> rt.plugin().onConnect(BusPlugins::echo));
        }
    }

    /**
     * A host in its own JVM for the reattach test: {@code ReattachHost ADDRESS STATEFILE} attaches to
     * the bus, launches {@link Survivor} as "survivor" recording it in the state file, prints "READY
     * pid", then idles until killed.
     */
    static final class ReattachHost {
        public static void main(String[] args) throws Exception {
            Host host = Host.builder().attach(io.minbus.transport.BusAddress.parse(args[0]))
                    .stateFile(java.nio.file.Path.of(args[1])).launcher(b -> b.shutdownHook(false)).build();
            PluginProcess p = host.launch(PluginSpec.builder(io.minbus.host.testing.JavaMains.command(Survivor.class))
                    .name("survivor").stdin(StdinMode.PIPE).build());
            System.out.println("READY " + p.pid().orElseThrow());
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await(); // idle until the test kills this JVM
        }
    }
}
