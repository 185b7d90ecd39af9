package io.minbus.server.internal;

import io.minbus.protocol.Reason;
import java.util.Objects;

/** The outcome of {@link Registry#admit}: a new member, or the reason for the refusal (docs/minbus.md §4.2). */
public sealed interface Admission permits Admission.Admitted, Admission.Refused {

    /** @param member the new member */
    record Admitted(Member member) implements Admission {
        public Admitted {
            Objects.requireNonNull(member, "member");
        }
    }

    /** @param reason {@link Reason#NAME_TAKEN} or {@link Reason#PROCESS_NAME_LIMIT} */
    record Refused(Reason reason) implements Admission {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
