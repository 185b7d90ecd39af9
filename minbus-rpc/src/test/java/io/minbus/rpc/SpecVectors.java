package io.minbus.rpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the fenced {@code vectors ...} blocks of docs/rpc.md, so the tests replay the spec itself. */
public final class SpecVectors {

    /** One non-comment line of a block, with its line number in docs/rpc.md. */
    public record Line(int number, String text) {
        @Override
        public String toString() {
            return "rpc.md:" + number + " " + text;
        }
    }

    private SpecVectors() {}

    /** Every line of every block headed exactly {@code vectors KIND}, in order. */
    public static List<Line> lines(String kind) {
        List<Line> out = new ArrayList<>();
        blocks("vectors " + kind).values().forEach(out::addAll);
        if (out.isEmpty()) {
            throw new IllegalStateException("no ```vectors " + kind + " block in " + file().toAbsolutePath());
        }
        return out;
    }

    /** The blocks headed {@code vectors KIND NAME}, by NAME. */
    public static Map<String, List<Line>> named(String kind) {
        Map<String, List<Line>> out = new LinkedHashMap<>();
        blocks("vectors " + kind + " ").forEach((head, lines) -> out.put(head.substring(("vectors " + kind + " ").length()), lines));
        if (out.isEmpty()) {
            throw new IllegalStateException("no ```vectors " + kind + " NAME block in " + file().toAbsolutePath());
        }
        return out;
    }

    private static Map<String, List<Line>> blocks(String headPrefix) {
        List<String> all;
        try {
            all = Files.readAllLines(file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read docs/rpc.md", e);
        }
        Map<String, List<Line>> out = new LinkedHashMap<>();
        List<Line> current = null;
        for (int i = 0; i < all.size(); i++) {
            String line = all.get(i);
            if (current == null) {
                if (line.startsWith("```")) {
                    String head = line.substring(3).strip();
                    if (headPrefix.endsWith(" ") ? head.startsWith(headPrefix) : head.equals(headPrefix)) {
                        current = out.computeIfAbsent(head + (headPrefix.endsWith(" ") ? "" : "#" + i), k -> new ArrayList<>());
                    }
                }
                continue;
            }
            if (line.strip().equals("```")) {
                current = null;
            } else if (!line.isBlank() && !line.strip().startsWith("#")) {
                current.add(new Line(i + 1, line));
            }
        }
        return out;
    }

    private static Path file() {
        Path p = Path.of("..", "docs", "rpc.md");
        return Files.exists(p) ? p : Path.of("docs", "rpc.md");
    }
}
