package io.minbus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.protocol.Registration;
import io.minbus.protocol.Ticket;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The target's ticket store (docs/minbus.md §19.3, §19.5) on a fake clock. */
@Timeout(10)
class TicketsTest {
    final AtomicLong now = new AtomicLong(1_000);
    final Tickets tickets = new Tickets(2, 100, now::get);
    final Tickets.Grant kv = new Tickets.Grant(Registration.named("kv", 3), Optional.empty());

    @Test
    void aTicketIsGoodOnceAndForWhoItWasIssued() {
        Ticket t = tickets.issue(kv).orElseThrow();
        assertThat(tickets.redeem(Ticket.of(t.bytes()))).contains(kv);
        assertThat(tickets.redeem(t)).as("replayed").isEmpty();
    }

    @Test
    void anUnknownTicketIsRefused() {
        tickets.issue(kv).orElseThrow();
        assertThat(tickets.redeem(Ticket.random(new SecureRandom()))).isEmpty();
        assertThat(tickets.pending()).isOne();
    }

    @Test
    void aTicketExpires() {
        Ticket t = tickets.issue(kv).orElseThrow();
        now.addAndGet(99);
        assertThat(tickets.pending()).isOne();
        now.addAndGet(1);
        assertThat(tickets.redeem(t)).isEmpty();
        assertThat(tickets.pending()).isZero();
    }

    @Test
    void atMostMaxTicketsArePendingAndExpiredOnesFreeTheirPlace() {
        assertThat(tickets.issue(kv)).isPresent();
        assertThat(tickets.issue(kv)).isPresent();
        assertThat(tickets.issue(kv)).as("the third of at most 2").isEmpty();
        now.addAndGet(100);
        assertThat(tickets.issue(kv)).isPresent();
    }
}
