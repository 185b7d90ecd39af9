package io.minbus.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Reads the fenced {@code vectors KIND} blocks of docs/protocol.md, so tests replay the spec itself. */
final class SpecVectors {
    /** One line of a vector block: the bytes, then {@code =} expected text or {@code !} violation. */
    record Line(int lineNumber, byte[] bytes, boolean violation, String expected) {
        @Override
        public String toString() {
            return "protocol.md:" + lineNumber + " " + HexFormat.ofDelimiter(" ").formatHex(bytes)
                    + (violation ? " ! " : " = ") + expected;
        }
    }

    private SpecVectors() {}

    static Path specFile() {
        Path p = Path.of("..", "docs", "protocol.md");
        if (!Files.exists(p)) {
            p = Path.of("docs", "protocol.md");
        }
        return p;
    }

    static List<Line> lines(String kind) {
        List<String> all;
        try {
            all = Files.readAllLines(specFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read docs/protocol.md", e);
        }
        List<Line> out = new ArrayList<>();
        boolean inside = false;
        for (int i = 0; i < all.size(); i++) {
            String line = all.get(i).strip();
            if (!inside) {
                inside = line.equals("```vectors " + kind);
                continue;
            }
            if (line.equals("```")) {
                inside = false;
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf(" = ");
            int bang = line.indexOf(" ! ");
            int cut = eq >= 0 ? eq : bang;
            if (cut < 0) {
                throw new IllegalStateException("protocol.md:" + (i + 1) + ": no ' = ' or ' ! ' in " + line);
            }
            byte[] bytes = HexFormat.of().parseHex(line.substring(0, cut).replace(" ", ""));
            out.add(new Line(i + 1, bytes, eq < 0, line.substring(cut + 3).strip()));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no ```vectors " + kind + " block in " + specFile().toAbsolutePath());
        }
        return out;
    }
}
