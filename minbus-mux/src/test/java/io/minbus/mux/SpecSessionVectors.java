package io.minbus.mux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code vectors session NAME} blocks of docs/protocol.md §12.4. */
final class SpecSessionVectors {
    /** One scenario: its name and its lines (comments and blank lines dropped). */
    record Block(String name, List<String> lines) {}

    static final Path SPEC = Path.of("..", "docs", "protocol.md");

    private SpecSessionVectors() {}

    static List<Block> read() {
        List<String> all;
        try {
            all = Files.readAllLines(SPEC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spec at " + SPEC.toAbsolutePath(), e);
        }
        List<Block> blocks = new ArrayList<>();
        String name = null;
        List<String> lines = null;
        for (String raw : all) {
            String line = raw.strip();
            if (name == null) {
                if (line.startsWith("```vectors session")) {
                    name = line.substring("```vectors session".length()).strip();
                    lines = new ArrayList<>();
                }
            } else if (line.startsWith("```")) {
                blocks.add(new Block(name, lines));
                name = null;
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                lines.add(line);
            }
        }
        if (name != null) {
            throw new IllegalStateException("unterminated vectors block " + name);
        }
        return blocks;
    }

    static byte[] hex(String text) {
        String[] parts = text.strip().split("\\s+");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }
}
