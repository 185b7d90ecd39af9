package io.minbus.identity.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a JSON object whose values are all strings, {@code {"a": "b", ...}}: enough for key files,
 * without a JSON library. Lines starting with {@code #} are comments (Scuttlebutt's secret files
 * have them) and are skipped before parsing.
 */
final class FlatJson {

    private final String text;
    private int at;

    private FlatJson(String text) {
        this.text = text;
    }

    /**
     * Parses the object.
     *
     * @throws IllegalArgumentException saying where the text is not such an object
     */
    static Map<String, String> parse(String text) {
        StringBuilder json = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.strip().startsWith("#")) {
                json.append(line).append('\n');
            }
        }
        return new FlatJson(json.toString()).object();
    }

    private Map<String, String> object() {
        Map<String, String> result = new LinkedHashMap<>();
        expect('{');
        if (peek() == '}') {
            at++;
        } else {
            while (true) {
                String name = string();
                expect(':');
                if (result.put(name, string()) != null) {
                    throw error("duplicate field \"" + name + "\"");
                }
                char next = next();
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw error("',' or '}' expected");
                }
            }
        }
        if (peek() != 0) {
            throw error("nothing may follow the object");
        }
        return result;
    }

    private String string() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return value.toString();
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char escaped = text.charAt(at++);
            switch (escaped) {
                case '"', '\\', '/' -> value.append(escaped);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException e) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape \\" + escaped);
            }
        }
    }

    private void expect(char expected) {
        if (next() != expected) {
            throw error("'" + expected + "' expected");
        }
    }

    /** The next non-blank character, consumed; 0 at the end. */
    private char next() {
        char c = peek();
        if (c != 0) {
            at++;
        }
        return c;
    }

    /** The next non-blank character, not consumed; 0 at the end. */
    private char peek() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at < text.length() ? text.charAt(at) : 0;
    }

    private IllegalArgumentException error(String what) {
        int line = 1;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException(what + " (line " + line + " of the JSON)");
    }
}
