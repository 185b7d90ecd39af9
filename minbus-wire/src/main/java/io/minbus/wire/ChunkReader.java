package io.minbus.wire;

import java.nio.ByteBuffer;

/**
 * Decodes chunks (docs/protocol.md §5, §9) from byte buffers of any fragmentation. Pure: no I/O, no
 * threads. Not thread-safe: one reader per connection.
 *
 * <p>It checks what the bytes alone decide: canonical VarU64s, the Partial layout, and that no payload
 * field is longer than {@code maxFrame}. A length is checked as soon as its VarU64 is complete, before
 * any memory is set aside for the payload. Complete chunks are decoded in place from the caller's
 * buffer; only an incomplete tail is copied, into a staging buffer that grows to at most one chunk.
 *
 * <p>A {@link PieceHandler} gets a large plain data chunk (flags {@code P} only, at least
 * {@link #MIN_PIECES} payload bytes) that the input does not hold completely in pieces, as its bytes
 * arrive, instead of after staging all of them: a relay forwards them at once and nothing is copied
 * twice. The chunk's fields are checked before its first piece, as for any chunk.
 */
public final class ChunkReader {
    /** Receives each decoded chunk; payload views are valid only during the call. */
    @FunctionalInterface
    public interface Handler {
        void onChunk(Chunk chunk);
    }

    /**
     * Receives each decoded chunk, and large data chunks in pieces: {@link #onFirstPiece}, then
     * {@link #onNextPiece} until one has {@code last} set; no other call comes in between.
     */
    public interface PieceHandler extends Handler {
        /**
         * The start of a data chunk whose payload is not complete in the input.
         *
         * @param header the chunk's type and id, flags {@code P}; its payload is the first piece (the
         *               bytes at hand, possibly none), a view valid only during the call
         * @param length the whole payload's length, more than the first piece's
         */
        void onFirstPiece(Chunk header, int length);

        /** The next bytes of that payload (a view valid only during the call); {@code last}: they complete it. */
        void onNextPiece(ByteBuffer piece, boolean last);
    }

    /** The smallest payload delivered in pieces; smaller chunks are staged whole. */
    public static final int MIN_PIECES = 2048;

    private static final int SMALL_STAGING = 512;

    private final int maxFrame;
    private ByteBuffer staging = ByteBuffer.allocate(SMALL_STAGING); // write mode; holds an incomplete chunk

    // fields of the chunk parsed last (valid when parse returned a positive length)
    private ChunkType type;
    private long id;
    private int flags;
    private int payloadAt;
    private int payloadLen;
    private long credit;
    private int endAt;
    private int endLen;
    /** Whether the last parse got past a payload length field (then {@link #payloadAt} is set). */
    private boolean payloadKnown;
    /** Payload bytes still to come of a chunk being delivered in pieces; 0 if none. */
    private int pieceLeft;

    /** @param maxFrame the largest payload field accepted in one chunk (our declared {@code max_frame}) */
    public ChunkReader(int maxFrame) {
        if (maxFrame < 0) {
            throw new IllegalArgumentException("maxFrame must not be negative: " + maxFrame);
        }
        this.maxFrame = maxFrame;
    }

    /**
     * Decodes every complete chunk in {@code src} and hands each to {@code handler}, in order. Consumes
     * all of {@code src}; an incomplete chunk at its end is kept for the next call.
     *
     * @throws ProtocolViolationException when the bytes break a rule; the reader is then unusable
     */
    public void feed(ByteBuffer src, Handler handler) {
        PieceHandler pieces = handler instanceof PieceHandler p ? p : null;
        while (src.hasRemaining()) {
            if (pieceLeft > 0) {
                int n = Math.min(pieceLeft, src.remaining());
                ByteBuffer piece = src.slice(src.position(), n);
                src.position(src.position() + n);
                pieceLeft -= n;
                pieces.onNextPiece(piece, pieceLeft == 0);
                continue;
            }
            if (staging.position() > 0) {
                if (!feedStaged(src, handler, pieces)) {
                    return;
                }
                continue;
            }
            int start = src.position();
            int result = parse(src, start, src.remaining());
            if (result > 0) {
                Chunk chunk = build(src);
                src.position(start + result);
                handler.onChunk(chunk);
            } else if (inPieces(pieces)) {
                int have = src.limit() - payloadAt;
                src.position(src.limit());
                firstPiece(pieces, src, have);
            } else {
                ensureStaging(Math.max(-result, src.remaining()));
                staging.put(src);
            }
        }
    }

    /** Whether the incomplete chunk just parsed goes to {@code pieces} in pieces. */
    private boolean inPieces(PieceHandler pieces) {
        return pieces != null && payloadKnown && type != ChunkType.PARTIAL && flags == Flags.PAYLOAD
                && payloadLen >= MIN_PIECES;
    }

    /** Hands over the first {@code have} payload bytes of the chunk just parsed from {@code buf}. */
    private void firstPiece(PieceHandler pieces, ByteBuffer buf, int have) {
        pieceLeft = payloadLen - have;
        pieces.onFirstPiece(Chunk.payload(type, id, buf.slice(payloadAt, have)), payloadLen);
    }

    /**
     * Appends to the staged incomplete chunk; returns true when it completed and was delivered (or,
     * once its header is complete, went on in pieces).
     */
    private boolean feedStaged(ByteBuffer src, Handler handler, PieceHandler pieces) {
        while (true) {
            int have = staging.position();
            int result = parse(staging, 0, have);
            if (result > 0) {
                ByteBuffer view = staging.duplicate().flip();
                Chunk chunk = build(view);
                handler.onChunk(chunk);
                releaseStaging();
                return true;
            }
            if (inPieces(pieces)) {
                firstPiece(pieces, staging.duplicate().flip(), have - payloadAt);
                releaseStaging();
                return true;
            }
            int need = -result;
            if (!src.hasRemaining()) {
                return false;
            }
            ensureStaging(need);
            int take = Math.min(need - have, src.remaining());
            ByteBuffer part = src.slice(src.position(), take);
            staging.put(part);
            src.position(src.position() + take);
        }
    }

    /** True when bytes of an incomplete chunk are waiting for more input. */
    public boolean hasIncompleteChunk() {
        return staging.position() > 0 || pieceLeft > 0;
    }

    /**
     * Tells the reader that no more input will come.
     *
     * @throws ProtocolViolationException {@link Violation#TRUNCATED} if a chunk was cut off
     */
    public void endOfInput() {
        if (pieceLeft > 0) {
            throw new ProtocolViolationException(Violation.TRUNCATED,
                    "the stream ended inside a chunk (" + pieceLeft + " bytes of its payload missing)");
        }
        if (hasIncompleteChunk()) {
            throw new ProtocolViolationException(Violation.TRUNCATED,
                    "the stream ended inside a chunk (" + staging.position() + " bytes of it received)");
        }
    }

    private void ensureStaging(int capacity) {
        if (staging.capacity() < capacity) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, staging.capacity() * 2));
            staging.flip();
            bigger.put(staging);
            staging = bigger;
        }
    }

    private void releaseStaging() {
        if (staging.capacity() > 64 * 1024) {
            staging = ByteBuffer.allocate(SMALL_STAGING);
        } else {
            staging.clear();
        }
    }

    private Chunk build(ByteBuffer buf) {
        if (type == ChunkType.PARTIAL) {
            return Chunk.partial(id);
        }
        ByteBuffer payload = payloadLen > 0 ? buf.slice(payloadAt, payloadLen) : Chunk.empty();
        ByteBuffer end = endLen > 0 ? buf.slice(endAt, endLen) : Chunk.empty();
        return new Chunk(type, id, flags, payload, credit, end);
    }

    /**
     * Parses the chunk starting at absolute index {@code start} with {@code avail} bytes available.
     * Returns its length if complete, else minus the number of bytes known to be needed (more than
     * avail). Throws as soon as a rule is broken.
     */
    private int parse(ByteBuffer buf, int start, int avail) {
        if (avail < 1) {
            return -1;
        }
        int tag = buf.get(start) & 0xff;
        type = ChunkType.ofTag(tag);
        if (type == ChunkType.PARTIAL) {
            return parsePartial(buf, start, avail, tag);
        }
        flags = tag & Flags.ALL;
        payloadKnown = false;
        int pos = 1;
        // id
        if (avail < pos + 1) {
            return -(pos + 1);
        }
        int len = VarU64.sizeFromFirstByte(buf.get(start + pos));
        if (avail < pos + len) {
            return -(pos + len);
        }
        id = VarU64.readAt(buf, start + pos);
        pos += len;
        payloadLen = 0;
        endLen = 0;
        credit = 0;
        if ((flags & Flags.PAYLOAD) != 0) {
            int r = lengthField(buf, start, avail, pos, "payload");
            if (r < 0) {
                return r;
            }
            payloadAt = start + r;
            payloadKnown = true;
            pos = r + payloadLen;
            if (avail < pos) {
                return -pos;
            }
        }
        if ((flags & Flags.CREDIT) != 0) {
            if (avail < pos + 1) {
                return -(pos + 1);
            }
            len = VarU64.sizeFromFirstByte(buf.get(start + pos));
            if (avail < pos + len) {
                return -(pos + len);
            }
            credit = VarU64.readAt(buf, start + pos);
            pos += len;
        }
        if ((flags & Flags.END) != 0) {
            int savedPayloadLen = payloadLen;
            int r = lengthField(buf, start, avail, pos, "end payload");
            if (r < 0) {
                payloadLen = savedPayloadLen;
                return r;
            }
            endLen = payloadLen;
            payloadLen = savedPayloadLen;
            endAt = start + r;
            pos = r + endLen;
            if (avail < pos) {
                return -pos;
            }
        }
        return pos;
    }

    /**
     * Reads a length VarU64 at relative {@code pos}; sets {@link #payloadLen} and returns the relative
     * offset of the bytes, or a negative need.
     */
    private int lengthField(ByteBuffer buf, int start, int avail, int pos, String what) {
        if (avail < pos + 1) {
            return -(pos + 1);
        }
        int len = VarU64.sizeFromFirstByte(buf.get(start + pos));
        if (avail < pos + len) {
            return -(pos + len);
        }
        long n = VarU64.readAt(buf, start + pos);
        if (n < 0 || n > maxFrame) {
            throw new ProtocolViolationException(Violation.FRAME_TOO_LARGE,
                    "a " + what + " of " + Long.toUnsignedString(n) + " bytes in " + type.label() + "#"
                            + Long.toUnsignedString(id) + " exceeds max_frame " + maxFrame);
        }
        payloadLen = (int) n;
        return pos + len;
    }

    private int parsePartial(ByteBuffer buf, int start, int avail, int tag) {
        if ((tag & 0x18) != 0) {
            throw new ProtocolViolationException(Violation.RESERVED_BITS,
                    String.format("Partial tag %02x has reserved bits 4-3 set", tag));
        }
        int n = (tag & 0x07) + 1;
        if (avail < 1 + n) {
            return -(1 + n);
        }
        if (buf.get(start + 1) == 0) {
            if (n == 1) {
                throw new ProtocolViolationException(Violation.PARTIAL_ZERO, "a Partial chunk announced 0 bytes");
            }
            throw new ProtocolViolationException(Violation.PARTIAL_NON_CANONICAL,
                    "a Partial total was written in " + n + " bytes with a leading zero byte");
        }
        long total = 0;
        for (int i = 1; i <= n; i++) {
            total = (total << 8) | (buf.get(start + i) & 0xff);
        }
        id = total;
        flags = 0;
        return 1 + n;
    }
}
