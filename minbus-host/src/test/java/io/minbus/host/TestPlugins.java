package io.minbus.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Java plugins and hosts that tests run as real child processes. */
final class TestPlugins {

    private TestPlugins() {}

    /**
     * A plugin that watches its host by pid (and by its stdin lifeline, in CLOSED mode), prints
     * "ready", then idles until the host is gone.
     */
    static final class Watching {
        public static void main(String[] args) throws Exception {
            PluginEnvironment env;
            try {
                env = PluginEnvironment.fromEnvironment();
            } catch (NotLaunchedByHostException e) {
                System.err.println(e.getMessage());
                System.exit(2);
                return;
            }
            env.watchHost(Duration.ofMillis(100), () -> {
                System.err.println("host gone");
                Runtime.getRuntime().halt(0);
            });
            String ready = System.getenv("READY_DIR");
            if (ready != null) {
                Files.createFile(Path.of(ready, env.secret()));
            }
            System.out.println("ready");
            new java.util.concurrent.CountDownLatch(1).await(); // idle: the plugin's whole job here is to wait
        }
    }

    /**
     * A host application in its own JVM, for the no-orphans tests. {@code Host kill9 DIR} launches a
     * shell plugin that only notices the host's death through its stdin lifeline, and a Java plugin
     * with inherited stdin that notices it through MINBUS_HOST_PID. {@code Host sigterm DIR [nohook]}
     * launches a shell plugin that ignores SIGTERM, does not read stdin and has a child of its own.
     * Prints "PID name pid" per plugin, then "READY", then idles until killed.
     */
    static final class Host {
        public static void main(String[] args) throws Exception {
            String mode = args[0];
            Path dir = Path.of(args[1]);
            boolean hook = !(args.length > 2 && args[2].equals("nohook"));
            Path readyDir = Files.createDirectories(dir.resolve("ready"));
            io.minbus.host.testing.FileReadiness readiness = new io.minbus.host.testing.FileReadiness(readyDir);
            Launcher launcher = Launcher.builder().address("unix:" + dir.resolve("bus.sock")).readiness(readiness)
                    .shutdownHook(hook).build();
            if (mode.equals("kill9")) {
                Path lifeline = io.minbus.host.testing.Scripts.sh(dir, "lifeline", io.minbus.host.testing.Scripts.SIGNAL_READY
                        + "\nwhile read -r _; do :; done\nexit 0");
                report(launcher.launch(PluginSpec.builder(lifeline).environment("READY_DIR", readyDir.toString()).build()));
                report(launcher.launch(PluginSpec.builder(io.minbus.host.testing.JavaMains.command(Watching.class))
                        .name("watching").stdin(StdinMode.INHERIT).environment("READY_DIR", readyDir.toString())
                        .startTimeout(Duration.ofSeconds(60)).build()));
            } else {
                Path stubborn = io.minbus.host.testing.Scripts.sh(dir, "stubborn", "trap '' TERM\nsleep 600 &\n"
                        + io.minbus.host.testing.Scripts.SIGNAL_READY + "\nwhile :; do wait; done");
                report(launcher.launch(PluginSpec.builder(stubborn).environment("READY_DIR", readyDir.toString())
                        .stdin(StdinMode.INHERIT)
                        .stopTimeouts(new StopTimeouts(Duration.ofMillis(200), Duration.ofMillis(500))).build()));
            }
            System.out.println("READY");
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await(); // idle until the test kills this host
        }

        private static void report(PluginProcess p) {
            System.out.println("PID " + p.name() + " " + p.pid().getAsLong());
            System.out.flush();
        }
    }
}
