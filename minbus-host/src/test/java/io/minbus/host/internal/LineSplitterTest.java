package io.minbus.host.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private final List<String> lines = new ArrayList<>();

    private void feed(LineSplitter s, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        // one byte at a time: cuts must not depend on read boundaries
        for (int i = 0; i < b.length; i++) {
            s.feed(b, i, 1);
        }
    }

    @Test
    void cutsAtNewlinesAndDropsCarriageReturns() {
        LineSplitter s = new LineSplitter(64, lines::add);
        feed(s, "one\ntwo\r\n\nlast");
        assertThat(lines).containsExactly("one", "two", "");
        s.finish();
        assertThat(lines).containsExactly("one", "two", "", "last");
    }

    @Test
    void splitsOverLongLinesAtTheLimit() {
        LineSplitter s = new LineSplitter(8, lines::add);
        feed(s, "abcdefghijklmnopqrs\n");
        assertThat(lines).containsExactly("abcdefgh", "ijklmnop", "qrs");
    }

    @Test
    void neverCutsAUtf8Character() {
        LineSplitter s = new LineSplitter(8, lines::add);
        feed(s, "abcdef\u20ac\u20acz\n"); // euro sign: 3 bytes; 6 + 3 > 8
        assertThat(lines).containsExactly("abcdef", "\u20ac\u20acz");
        assertThat(String.join("", lines)).isEqualTo("abcdef\u20ac\u20acz");
    }

    @Test
    void keepsFourByteCharactersWhole() {
        LineSplitter s = new LineSplitter(5, lines::add);
        feed(s, "abc\uD83D\uDE00d\n"); // emoji: 4 bytes
        assertThat(lines).containsExactly("abc", "\uD83D\uDE00d");
    }

    @Test
    void theForwardersLimitIs8KiB() {
        LineSplitter s = new LineSplitter(OutputForwarder.MAX_LINE_BYTES, lines::add);
        byte[] line = "x".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        s.feed(line, 0, line.length);
        s.finish();
        assertThat(lines).extracting(String::length).containsExactly(8192, 8192, 20_000 - 2 * 8192);
    }
}
