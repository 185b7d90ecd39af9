package io.minbus.server.internal;

/**
 * The credit and buffer accounting of one relay direction, sender to receiver through the server
 * (docs/minbus.md §9.2). Pure: no I/O, no threads, no clocks; the relay owning it calls it from one
 * thread.
 *
 * <pre>
 *   receiver --credit--> [banked] --grant()--> [held] --sender's data--> [buffered] --write--> receiver
 * </pre>
 *
 * <ul>
 *   <li>{@code banked}: credit the receiver granted that has not been passed on to the sender;
 *   <li>{@code held}: credit passed on to the sender that the sender has not used yet;
 *   <li>{@code buffered}: bytes received from the sender, not yet written to the receiver.
 * </ul>
 *
 * <p>Invariants, checked after every change: all three are {@code >= 0}, and {@code held + buffered
 * <= cap}, so the server never buffers more than {@code cap} bytes in this direction whatever the
 * receiver grants. The sender never gets more credit than the receiver granted, so every buffered
 * byte is already paid for: writing to the receiver never waits for credit.
 *
 * <p>Refill: {@link #grant()} passes on {@code grantable = min(banked, cap - held - buffered)} only
 * when that is at least 1 and at least what the sender still holds (bymux's heuristic), and, while
 * bytes are buffered, at least a quarter of the cap: writing them frees more room soon, and waiting
 * for it keeps credit chunks, and so the sender's writes, large instead of one per fragment
 * forwarded. With nothing buffered whatever fits is passed on, so a small receiver window still
 * flows.
 */
public final class RelayCredit {
    private long cap;
    private long banked;
    private long held;
    private long buffered;
    /** Bytes the sender sent since the start or the last {@link #grow}. */
    private long sentSinceGrowth;

    /** @param cap the most bytes buffered, and credit outstanding, in this direction ({@code relay_buffer}) */
    public RelayCredit(long cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("relay buffer cap must be positive, got " + cap);
        }
        this.cap = cap;
    }

    /**
     * The receiver granted {@code amount} bytes of credit. Amounts are unsigned (a negative long is
     * above 2^63); {@code banked} saturates at {@link Long#MAX_VALUE}.
     */
    public void receiverGranted(long amount) {
        if (amount < 0 || banked > Long.MAX_VALUE - amount) {
            banked = Long.MAX_VALUE;
        } else {
            banked += amount;
        }
        check();
    }

    /**
     * The sender sent {@code bytes} of data (a message or fragment), which the server now buffers.
     *
     * @throws IllegalStateException if the sender had less credit; the session should have raised
     *                               {@code CREDIT_EXCEEDED} before
     */
    public void senderSent(long bytes) {
        if (bytes < 0 || bytes > held) {
            throw new IllegalStateException("the sender sent " + bytes + " bytes holding only " + held
                    + " bytes of credit; the session must reject this as CREDIT_EXCEEDED before the relay sees it");
        }
        held -= bytes;
        buffered += bytes;
        sentSinceGrowth += bytes;
        check();
    }

    /**
     * The server wrote {@code bytes} of buffered data to the receiver.
     *
     * @throws IllegalStateException if fewer bytes are buffered
     */
    public void forwarded(long bytes) {
        if (bytes < 0 || bytes > buffered) {
            throw new IllegalStateException("cannot forward " + bytes + " bytes, only " + buffered + " are buffered");
        }
        buffered -= bytes;
        check();
    }

    /**
     * The receiver cancelled: the buffered bytes will never be written (§9.4).
     *
     * @return how many bytes were dropped
     */
    public long discardBuffered() {
        long dropped = buffered;
        buffered = 0;
        check();
        return dropped;
    }

    /**
     * Applies the refill rule and returns the credit to send to the sender now, 0 for none. The
     * amount moves from {@code banked} to {@code held}.
     */
    public long grant() {
        long grantable = grantable();
        if (grantable < 1 || grantable < held || (buffered > 0 && grantable < cap / 4)) {
            return 0;
        }
        banked -= grantable;
        held += grantable;
        check();
        return grantable;
    }

    /**
     * Whether the cap, not the receiver, holds this direction back: the sender has sent at least a cap's
     * worth since the start or the last growth (it streams), has used all its credit and the server has
     * read all it sent ({@code held == 0}: it waits for credit), at most a quarter of the cap is still
     * buffered (the receiver keeps up), and the receiver has granted more than the cap lets through
     * ({@code banked > cap - buffered}). Then a larger cap would let more bytes flow per round trip of
     * credit.
     */
    public boolean capBound() {
        return sentSinceGrowth >= cap && held == 0 && buffered <= cap / 4 && banked > cap - buffered;
    }

    /**
     * Raises the cap to {@code newCap} (docs/minbus.md §9.2: growth); the invariant {@code held +
     * buffered <= cap} keeps holding.
     *
     * @throws IllegalArgumentException if {@code newCap} is below the current cap
     */
    public void grow(long newCap) {
        if (newCap < cap) {
            throw new IllegalArgumentException("a relay cap only grows: " + newCap + " is below " + cap);
        }
        cap = newCap;
        sentSinceGrowth = 0;
        check();
    }

    /** What {@link #grant()} could pass on ignoring the heuristic: {@code min(banked, cap - held - buffered)}. */
    public long grantable() {
        return Math.min(banked, cap - held - buffered);
    }

    /** The bound on {@code held + buffered}; {@code relay_buffer} at first, more after {@link #grow}. */
    public long cap() {
        return cap;
    }

    /** Credit from the receiver not yet passed on. */
    public long banked() {
        return banked;
    }

    /** Credit the sender holds. */
    public long held() {
        return held;
    }

    /** Bytes waiting to be written to the receiver. */
    public long buffered() {
        return buffered;
    }

    private void check() {
        if (banked < 0 || held < 0 || buffered < 0 || held + buffered > cap) {
            throw new IllegalStateException("relay credit invariant broken: " + this);
        }
    }

    @Override
    public String toString() {
        return "RelayCredit[cap=" + cap + ", banked=" + banked + ", held=" + held + ", buffered=" + buffered + "]";
    }
}
