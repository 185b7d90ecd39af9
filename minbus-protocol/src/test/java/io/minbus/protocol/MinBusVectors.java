package io.minbus.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code vectors minbus} blocks of docs/minbus.md (§15). */
final class MinBusVectors {
    static final Path SPEC = Path.of("..", "docs", "minbus.md");
    private static final Pattern LINE = Pattern.compile("^(empty|[0-9a-f]{2}(?: [0-9a-f]{2})*) ([=~!]) (.+)$");

    /** One vector: its bytes, operator and meaning, and where it is. */
    record Vector(byte[] bytes, char op, String meaning, int lineNumber, String text) {
        @Override
        public String toString() {
            return "docs/minbus.md:" + lineNumber + "  " + text;
        }
    }

    private MinBusVectors() {
    }

    static List<Vector> load() {
        List<String> lines;
        try {
            lines = Files.readAllLines(SPEC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SPEC.toAbsolutePath() + "; run the tests from the module"
                    + " directory so that ../docs/minbus.md resolves", e);
        }
        List<Vector> vectors = new ArrayList<>();
        boolean inBlock = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!inBlock) {
                inBlock = line.equals("```vectors minbus");
                continue;
            }
            if (line.equals("```")) {
                inBlock = false;
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("docs/minbus.md:" + (i + 1) + ": not a vector line: " + line);
            }
            vectors.add(new Vector(hex(m.group(1)), m.group(2).charAt(0), m.group(3), i + 1, line));
        }
        if (inBlock) {
            throw new IllegalStateException("docs/minbus.md: unterminated vectors block");
        }
        return vectors;
    }

    static byte[] hex(String text) {
        return text.equals("empty") ? new byte[0] : HexFormat.ofDelimiter(" ").parseHex(text);
    }
}
