package io.minbus.host.internal;

import io.minbus.host.Ed25519Keys;
import io.minbus.host.ManifestException;
import io.minbus.host.PluginSpec;
import io.minbus.host.RestartPolicy;
import io.minbus.host.Sandbox;
import io.minbus.host.StdinMode;
import io.minbus.host.StopTimeouts;
import io.minbus.host.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a plugin manifest ({@code *.plugin.json}) into a {@link PluginSpec}. Strict: unknown and
 * duplicate fields are errors, and every error names the file and the field. The format is
 * documented in {@code docs/host.md}.
 */
public final class ManifestParser {

    /** Largest manifest read. */
    static final long MAX_BYTES = 1 << 20;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> FIELDS = Set.of("name", "version", "command", "workingDirectory", "environment",
            "inheritEnvironment", "restart", "startTimeout", "stopTimeouts", "wrapper", "stdin", "sha256", "signature",
            "sandbox");
    private static final Set<String> RESTART_FIELDS = Set.of("policy", "initialBackoff", "maxBackoff", "resetAfter");
    private static final Set<String> STOP_FIELDS = Set.of("graceful", "terminate");
    private static final Set<String> SANDBOX_FIELDS = Set.of("readOnly", "writable", "network");

    private final Path file;
    private final Path dir;

    private ManifestParser(Path file) {
        this.file = file;
        this.dir = file.toAbsolutePath().normalize().getParent();
    }

    /**
     * Reads a manifest.
     *
     * @param file the manifest
     * @param trustedKeys the keys a {@code signature} may be by (from the host's configuration, never
     *     from a manifest)
     * @throws ManifestException naming the file and field
     */
    public static PluginSpec parse(Path file, List<PublicKey> trustedKeys) {
        return new ManifestParser(file).read(trustedKeys);
    }

    private PluginSpec read(List<PublicKey> trustedKeys) {
        JsonNode root = tree();
        if (!root.isObject()) {
            throw error("", "expected a JSON object with at least \"name\" and \"command\"");
        }
        checkFields(root, FIELDS, "");
        List<String> command = command(root);
        PluginSpec.Builder b = PluginSpec.builder(command);
        String name = string(required(root, "name"), "name");
        try {
            b.name(name);
            b.build(); // checks the name
        } catch (IllegalArgumentException e) {
            throw error("name", e.getMessage());
        }
        if (root.has("version")) {
            JsonNode v = root.get("version");
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() > 0xFFFF) {
                throw error("version", "expected a whole number 0..65535, got " + v);
            }
            b.version(v.intValue());
        }
        b.workingDirectory(root.has("workingDirectory") ? path(root.get("workingDirectory"), "workingDirectory") : dir);
        if (root.has("environment")) {
            JsonNode env = root.get("environment");
            if (!env.isObject()) {
                throw error("environment", "expected an object of \"NAME\": \"value\" pairs");
            }
            for (Map.Entry<String, JsonNode> e : env.properties()) {
                String field = "environment." + e.getKey();
                try {
                    b.environment(e.getKey(), string(e.getValue(), field));
                } catch (IllegalArgumentException ex) {
                    throw error(field, ex.getMessage());
                }
            }
        }
        if (root.has("inheritEnvironment")) {
            b.inheritEnvironment(bool(root.get("inheritEnvironment"), "inheritEnvironment"));
        }
        if (root.has("restart")) {
            b.restartPolicy(restart(root.get("restart")));
        }
        if (root.has("startTimeout")) {
            Duration d = duration(root.get("startTimeout"), "startTimeout");
            if (d.isZero()) {
                throw error("startTimeout", "must be positive");
            }
            b.startTimeout(d);
        }
        if (root.has("stopTimeouts")) {
            JsonNode st = root.get("stopTimeouts");
            if (!st.isObject()) {
                throw error("stopTimeouts", "expected an object with \"graceful\" and/or \"terminate\"");
            }
            checkFields(st, STOP_FIELDS, "stopTimeouts.");
            StopTimeouts d = StopTimeouts.DEFAULT;
            b.stopTimeouts(new StopTimeouts(
                    st.has("graceful") ? duration(st.get("graceful"), "stopTimeouts.graceful") : d.graceful(),
                    st.has("terminate") ? duration(st.get("terminate"), "stopTimeouts.terminate") : d.terminate()));
        }
        if (root.has("wrapper")) {
            b.wrapper(strings(root.get("wrapper"), "wrapper"));
        }
        if (root.has("stdin")) {
            String s = string(root.get("stdin"), "stdin");
            try {
                b.stdin(StdinMode.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw error("stdin", "expected \"closed\", \"pipe\" or \"inherit\", got \"" + s + "\"");
            }
        }
        if (root.has("sha256") && root.has("signature")) {
            throw error("signature", "give either \"sha256\" or \"signature\", not both");
        }
        if (root.has("sha256")) {
            try {
                b.expectSha256(string(root.get("sha256"), "sha256"));
            } catch (IllegalArgumentException e) {
                throw error("sha256", e.getMessage());
            }
        }
        if (root.has("signature")) {
            b.verification(signature(root.get("signature"), trustedKeys));
        }
        if (root.has("sandbox")) {
            b.sandbox(sandbox(root.get("sandbox")));
        }
        return b.build();
    }

    private JsonNode tree() {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw error("", "larger than " + MAX_BYTES + " bytes; that is not a plugin manifest");
            }
            return MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ManifestException(file, "", "cannot read it: " + e, e);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ManifestException(file, "", "not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    private List<String> command(JsonNode root) {
        JsonNode c = required(root, "command");
        List<String> argv;
        if (c.isString()) {
            argv = new ArrayList<>(List.of(c.stringValue()));
        } else {
            argv = new ArrayList<>(strings(c, "command"));
        }
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw error("command", "expected the executable (a path or a name in PATH), optionally followed by arguments");
        }
        String exe = argv.get(0);
        if (exe.indexOf('/') >= 0) {
            argv.set(0, resolve(exe).toString()); // relative paths are relative to the manifest's directory
        }
        return argv;
    }

    private RestartPolicy restart(JsonNode r) {
        if (r.isString()) {
            return RestartPolicy.of(mode(r.stringValue(), "restart"));
        }
        if (!r.isObject()) {
            throw error("restart", "expected \"never\", \"on-failure\", \"always\" or an object with \"policy\"");
        }
        checkFields(r, RESTART_FIELDS, "restart.");
        RestartPolicy p = RestartPolicy.of(mode(string(required(r, "policy", "restart."), "restart.policy"), "restart.policy"));
        Duration initial = r.has("initialBackoff") ? duration(r.get("initialBackoff"), "restart.initialBackoff") : p.initialBackoff();
        Duration max = r.has("maxBackoff") ? duration(r.get("maxBackoff"), "restart.maxBackoff") : p.maxBackoff();
        Duration reset = r.has("resetAfter") ? duration(r.get("resetAfter"), "restart.resetAfter") : p.resetAfter();
        try {
            return p.withBackoff(initial, max, reset);
        } catch (IllegalArgumentException e) {
            throw error("restart", e.getMessage());
        }
    }

    private RestartPolicy.Mode mode(String s, String field) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "never" -> RestartPolicy.Mode.NEVER;
            case "on-failure", "on_failure" -> RestartPolicy.Mode.ON_FAILURE;
            case "always" -> RestartPolicy.Mode.ALWAYS;
            default -> throw error(field, "expected \"never\", \"on-failure\" or \"always\", got \"" + s + "\"");
        };
    }

    private Verification signature(JsonNode node, List<PublicKey> trustedKeys) {
        String text = string(node, "signature");
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw error("signature", "expected the base64 of a 64-byte Ed25519 signature: " + e.getMessage());
        }
        if (sig.length != 64) {
            throw error("signature", "expected the base64 of a 64-byte Ed25519 signature, got " + sig.length + " bytes");
        }
        if (trustedKeys.isEmpty()) {
            throw error("signature", "the plugin is signed, but this host trusts no keys; configure the trusted keys"
                    + " (a manifest cannot name its own)");
        }
        return new Verification.Ed25519(sig, trustedKeys);
    }

    private Sandbox sandbox(JsonNode s) {
        if (!s.isObject()) {
            throw error("sandbox", "expected an object with \"readOnly\", \"writable\" and \"network\"");
        }
        checkFields(s, SANDBOX_FIELDS, "sandbox.");
        return new Sandbox(paths(s.get("readOnly"), "sandbox.readOnly"), paths(s.get("writable"), "sandbox.writable"),
                s.has("network") && bool(s.get("network"), "sandbox.network"));
    }

    private List<Path> paths(JsonNode node, String field) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw error(field, "expected an array of paths");
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(path(node.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    private Path path(JsonNode node, String field) {
        String s = string(node, field);
        if (s.isEmpty()) {
            throw error(field, "expected a path, got an empty string");
        }
        return resolve(s);
    }

    /** {@code ~/x} is in the home directory; a relative path is relative to the manifest's directory. */
    private Path resolve(String s) {
        if (s.equals("~") || s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + s.substring(1)).normalize();
        }
        return dir.resolve(s).normalize();
    }

    private List<String> strings(JsonNode node, String field) {
        if (!node.isArray()) {
            throw error(field, "expected an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(string(node.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    private String string(JsonNode node, String field) {
        if (node == null || !node.isString()) {
            throw error(field, "expected a string, got " + describe(node));
        }
        return node.stringValue();
    }

    private boolean bool(JsonNode node, String field) {
        if (!node.isBoolean()) {
            throw error(field, "expected true or false, got " + describe(node));
        }
        return node.booleanValue();
    }

    private Duration duration(JsonNode node, String field) {
        String s = string(node, field);
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(field, e.getMessage());
        }
    }

    private JsonNode required(JsonNode obj, String field) {
        return required(obj, field, "");
    }

    private JsonNode required(JsonNode obj, String field, String prefix) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            throw error(prefix + field, "is required");
        }
        return n;
    }

    private void checkFields(JsonNode obj, Set<String> known, String prefix) {
        for (String f : obj.propertyNames()) {
            if (!known.contains(f)) {
                throw error(prefix + f, "unknown field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String describe(JsonNode node) {
        return node == null || node.isNull() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
    }

    private ManifestException error(String field, String problem) {
        return new ManifestException(file, field, problem, null);
    }
}
