package io.minbus.host.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Command lines that run a test class's {@code main} in a fresh JVM (the test JVM's own java). */
public final class JavaMains {

    private JavaMains() {}

    /** {@code java -cp <main+test classes+deps> <main> args...}. */
    public static List<String> command(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath(),
                main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Everything the test JVM can see: the module path, the class path and the module's own classes. */
    public static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(Path.of("target", "classes").toAbsolutePath().toString());
        entries.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null) {
                for (String e : v.split(File.pathSeparator)) {
                    if (!e.isEmpty()) {
                        entries.add(Path.of(e).toAbsolutePath().toString());
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
