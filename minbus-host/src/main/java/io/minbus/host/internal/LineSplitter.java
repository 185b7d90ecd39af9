package io.minbus.host.internal;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines: at {@code \n} (a {@code \r} before it is dropped), and where a
 * line grows past {@code maxBytes}, at the last UTF-8 character boundary before that length (the
 * rest continues as the next line). Bytes are decoded as UTF-8, malformed input replaced. No I/O,
 * no threads.
 */
final class LineSplitter {

    private final byte[] line;
    private final Consumer<String> sink;
    private int length;

    LineSplitter(int maxBytes, Consumer<String> sink) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("maxBytes must hold a UTF-8 character: " + maxBytes);
        }
        this.line = new byte[maxBytes];
        this.sink = sink;
    }

    /** Feeds bytes; emits every line they complete. */
    void feed(byte[] buf, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte b = buf[i];
            if (b == '\n') {
                int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                emit(n);
                length = 0;
            } else {
                if (length == line.length) {
                    splitLongLine();
                }
                line[length++] = b;
            }
        }
    }

    /** Emits what is left as a last line (if anything). */
    void finish() {
        if (length > 0) {
            emit(length);
            length = 0;
        }
    }

    private void splitLongLine() {
        int cut = length;
        // back off over UTF-8 continuation bytes (10xxxxxx) to the start of the last character,
        // which moves to the next piece; at most 3 of them
        int lead = length - 1;
        while (lead > 0 && length - lead <= 3 && (line[lead] & 0xC0) == 0x80) {
            lead--;
        }
        if ((line[lead] & 0xC0) == 0xC0 && lead > 0) {
            int need = (line[lead] & 0xE0) == 0xC0 ? 2 : (line[lead] & 0xF0) == 0xE0 ? 3 : 4;
            if (length - lead < need) {
                cut = lead;
            }
        }
        emit(cut);
        System.arraycopy(line, cut, line, 0, length - cut);
        length -= cut;
    }

    private void emit(int n) {
        sink.accept(new String(line, 0, n, StandardCharsets.UTF_8));
    }
}
