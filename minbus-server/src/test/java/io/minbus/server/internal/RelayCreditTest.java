package io.minbus.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayCreditTest {
    private static final long SEED = Long.getLong("minbus.seed", System.nanoTime());

    @Test
    void creditBeyondTheCapIsBanked() {
        RelayCredit c = new RelayCredit(100);
        c.receiverGranted(1000);
        assertThat(c.grant()).isEqualTo(100);
        assertThat(c.banked()).isEqualTo(900);
        assertThat(c.held()).isEqualTo(100);
        assertThat(c.grant()).as("nothing more fits under the cap").isZero();
    }

    @Test
    void nothingIsGrantedWithoutReceiverCredit() {
        RelayCredit c = new RelayCredit(100);
        assertThat(c.grant()).isZero();
        c.receiverGranted(0);
        assertThat(c.grant()).isZero();
        c.receiverGranted(1);
        assertThat(c.grant()).isEqualTo(1);
    }

    @Test
    void theRefillWaitsUntilTheGrantIsAtLeastWhatTheSenderHolds() {
        RelayCredit c = new RelayCredit(100);
        c.receiverGranted(60);
        assertThat(c.grant()).isEqualTo(60);
        c.receiverGranted(40);
        assertThat(c.grant()).as("40 < 60 still held").isZero();
        c.senderSent(30);
        assertThat(c.grant()).as("room is 100 - 30 held - 30 buffered = 40 >= 30 held").isEqualTo(40);
        assertThat(c.held()).isEqualTo(70);
    }

    @Test
    void whileBytesAreBufferedTheRefillWaitsForAQuarterOfTheCap() {
        RelayCredit c = new RelayCredit(100);
        c.receiverGranted(1000);
        assertThat(c.grant()).isEqualTo(100);
        c.senderSent(100);
        c.forwarded(24);
        assertThat(c.grant()).as("24 free, 76 still buffered: less than a quarter of the cap").isZero();
        c.forwarded(1);
        assertThat(c.grant()).as("25 free is a quarter").isEqualTo(25);
        c.forwarded(10);
        assertThat(c.grant()).as("10 free, 65 buffered").isZero();
        c.forwarded(65);
        assertThat(c.grant()).as("nothing buffered: whatever fits goes").isEqualTo(75);
    }

    @Test
    void aSmallReceiverWindowStillFlowsOnceTheBufferDrains() {
        RelayCredit c = new RelayCredit(100);
        c.receiverGranted(10);
        assertThat(c.grant()).isEqualTo(10);
        c.senderSent(10);
        c.receiverGranted(10);
        assertThat(c.grant()).as("10 banked, 10 buffered: below a quarter of the cap").isZero();
        c.forwarded(10);
        assertThat(c.grant()).as("the buffer drained: the small grant goes").isEqualTo(10);
    }

    @Test
    void aSenderWithNoCreditGetsAnythingThatFits() {
        RelayCredit c = new RelayCredit(10);
        c.receiverGranted(100);
        assertThat(c.grant()).isEqualTo(10);
        c.senderSent(10);
        assertThat(c.grant()).as("the buffer is full").isZero();
        c.forwarded(3);
        assertThat(c.grant()).isEqualTo(3);
        assertThat(c.held() + c.buffered()).isEqualTo(10);
    }

    @Test
    void bufferedBytesNeverExceedTheCapEvenWhenTheReceiverIsGenerous() {
        RelayCredit c = new RelayCredit(64);
        c.receiverGranted(Long.MAX_VALUE);
        for (int i = 0; i < 100; i++) {
            c.senderSent(c.held());
            c.grant();
            assertThat(c.buffered()).isLessThanOrEqualTo(64);
        }
        assertThat(c.buffered()).isEqualTo(64);
    }

    @Test
    void hugeGrantsSaturate() {
        RelayCredit c = new RelayCredit(10);
        c.receiverGranted(Long.MAX_VALUE);
        c.receiverGranted(5);
        assertThat(c.banked()).isEqualTo(Long.MAX_VALUE);
        c.receiverGranted(-1);
        assertThat(c.banked()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theCapBindsOnlyWhenTheSenderWaitsTheReceiverKeepsUpAndHasGrantedMore() {
        RelayCredit c = new RelayCredit(100);
        assertThat(c.capBound()).as("nothing granted by the receiver").isFalse();
        c.receiverGranted(1000);
        assertThat(c.capBound()).as("the sender has not sent anything yet").isFalse();
        c.grant(); // held 100
        assertThat(c.capBound()).as("the sender still holds credit").isFalse();
        c.senderSent(100);
        assertThat(c.capBound()).as("100 buffered: the receiver has not taken them yet").isFalse();
        c.forwarded(75);
        assertThat(c.capBound()).as("25 buffered (a quarter), sender waits, receiver granted 900 more").isTrue();
        RelayCredit stingy = new RelayCredit(100);
        stingy.receiverGranted(100);
        stingy.grant();
        stingy.senderSent(100);
        stingy.forwarded(100);
        assertThat(stingy.capBound()).as("the receiver granted no more than the cap").isFalse();
    }

    @Test
    void growingRaisesTheCapAndTheRefillFillsIt() {
        RelayCredit c = new RelayCredit(100);
        c.receiverGranted(1000);
        c.grant();
        c.senderSent(100);
        c.forwarded(100);
        assertThat(c.capBound()).isTrue();
        c.grow(200);
        assertThat(c.cap()).isEqualTo(200);
        assertThat(c.capBound()).as("not before the sender has sent a whole new cap").isFalse();
        assertThat(c.grant()).isEqualTo(200);
        c.senderSent(200);
        assertThat(c.buffered()).isEqualTo(200);
        c.forwarded(200);
        assertThat(c.capBound()).as("200 sent since the growth, waiting, 700 banked").isTrue();
        assertThatThrownBy(() -> c.grow(150)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only grows");
        assertThat(c.cap()).isEqualTo(200);
    }

    @Test
    void aCancelDropsTheBuffer() {
        RelayCredit c = new RelayCredit(10);
        c.receiverGranted(10);
        c.grant();
        c.senderSent(7);
        assertThat(c.discardBuffered()).isEqualTo(7);
        assertThat(c.buffered()).isZero();
    }

    @Test
    void misuseIsReportedAndLeavesTheStateUntouched() {
        RelayCredit c = new RelayCredit(10);
        c.receiverGranted(5);
        c.grant();
        assertThatThrownBy(() -> c.senderSent(6)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CREDIT_EXCEEDED");
        assertThatThrownBy(() -> c.forwarded(1)).hasMessageContaining("only 0 are buffered");
        assertThatThrownBy(() -> new RelayCredit(0)).hasMessageContaining("must be positive");
        assertThat(c.held()).isEqualTo(5);
        assertThat(c.buffered()).isZero();
    }

    /**
     * A sender that always sends what it may, a slow writer, a receiver that grants in random
     * chunks: the invariants hold at every step, credit is conserved, and everything the receiver
     * allowed arrives. Rerun a seed with {@code -Dminbus.seed=N}.
     */
    @Test
    void randomTrafficConservesCreditAndDeliversEverything() {
        System.out.println("RelayCreditTest.randomTrafficConservesCreditAndDeliversEverything seed " + SEED);
        Random random = new Random(SEED);
        for (int round = 0; round < 200; round++) {
            long cap = 1 + random.nextInt(random.nextBoolean() ? 16 : 70000);
            long max = cap * (1 + random.nextInt(4)); // growth as the server does it: doubling, up to max
            RelayCredit c = new RelayCredit(cap);
            long granted = 0;
            long sent = 0;
            long delivered = 0;
            long creditChunks = 0;
            long total = 1 + random.nextInt(200_000);
            for (int step = 0; step < 20_000 && delivered < total; step++) {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        long more = Math.min(total - granted, random.nextInt(1 + (int) Math.min(cap * 2, 100_000)));
                        c.receiverGranted(more);
                        granted += more;
                    }
                    case 1 -> {
                        long n = random.nextInt(1 + (int) Math.min(c.held(), Integer.MAX_VALUE - 1));
                        c.senderSent(n);
                        sent += n;
                    }
                    default -> {
                        long n = random.nextInt(1 + (int) Math.min(c.buffered(), Integer.MAX_VALUE - 1));
                        c.forwarded(n);
                        delivered += n;
                    }
                }
                if (c.cap() < max && c.capBound() && random.nextBoolean()) {
                    c.grow(Math.min(max, 2 * c.cap()));
                }
                long g = c.grant();
                creditChunks += g > 0 ? 1 : 0;
                assertThat(c.held() + c.buffered()).isLessThanOrEqualTo(c.cap());
                assertThat(c.cap()).isBetween(cap, max);
                assertThat(granted).isEqualTo(c.banked() + c.held() + sent);
                assertThat(sent).isEqualTo(c.buffered() + delivered);
            }
            // drain: the receiver stops granting, the sender and the writer finish
            while (c.held() > 0 || c.buffered() > 0 || c.grant() > 0) {
                sent += c.held();
                c.senderSent(c.held());
                delivered += c.buffered();
                c.forwarded(c.buffered());
            }
            assertThat(c.banked()).as("all credit used, round " + round).isZero();
            assertThat(delivered).as("everything the receiver allowed arrived").isEqualTo(granted);
            assertThat(creditChunks).isLessThanOrEqualTo(20_000);
        }
    }
}
