package io.minbus.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RegistryTest {
    private static final OptionalLong NO_PID = OptionalLong.empty();

    private final Registry registry = new Registry(2);

    @Test
    void aTakenNameIsRefusedUntilItsHolderLeaves() {
        Member kv = admit("kv", 1);
        assertThat(registry.admit(Registration.named("kv", 2), NO_PID)).isEqualTo(new Admission.Refused(Reason.NAME_TAKEN));
        assertThat(registry.lookup("kv")).containsSame(kv);
        registry.leave(kv);
        assertThat(registry.lookup("kv")).isEmpty();
        Member again = admit("kv", 2);
        assertThat(again).isNotSameAs(kv);
        assertThat(again.plugin()).contains(PluginInfo.of("kv", 2));
    }

    @Test
    void cleanupHappensExactlyOnce() {
        Member kv = admit("kv", 1);
        Recorder recorder = new Recorder();
        Member watcher = admit("w", 1);
        registry.watch(watcher, recorder);
        assertThat(registry.leave(kv)).isTrue();
        assertThat(registry.leave(kv)).isFalse();
        assertThat(registry.leave(kv)).isFalse();
        assertThat(recorder.events).containsExactly(Event.left(PluginInfo.of("kv", 1)));
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void aGoneMemberCannotWatchAndItsWatchIsDropped() {
        Member w = admit("w", 1);
        assertThat(registry.watch(w, new Recorder())).isTrue();
        registry.leave(w);
        assertThat(registry.watcherCount()).isZero();
        Recorder late = new Recorder();
        assertThat(registry.watch(w, late)).isFalse();
        assertThat(late.snapshots).isEmpty();
    }

    @Test
    void theQueryAndTheSnapshotExcludeTheRequesterAndNamelessClients() {
        Member a = admit("a", 1);
        Member client = admitted(registry.admit(Registration.nameless(5), NO_PID));
        Member b = admit("b", 2);
        assertThat(registry.plugins(a)).isEqualTo(PluginList.of(PluginInfo.of("b", 2)));
        assertThat(registry.plugins(client)).isEqualTo(PluginList.of(PluginInfo.of("a", 1), PluginInfo.of("b", 2)));
        Recorder recorder = new Recorder();
        assertThat(registry.watch(b, recorder)).isTrue();
        assertThat(recorder.snapshot()).isEqualTo(PluginList.of(PluginInfo.of("a", 1)));
        assertThat(registry.size()).isEqualTo(3);
        assertThat(client.plugin()).isEmpty();
    }

    @Test
    void namelessClientsCauseNoEventsAndHoldNoName() {
        Member w = admit("w", 1);
        Recorder recorder = new Recorder();
        registry.watch(w, recorder);
        Member c1 = admitted(registry.admit(Registration.nameless(0), OptionalLong.of(42)));
        Member c2 = admitted(registry.admit(Registration.nameless(0), OptionalLong.of(42)));
        Member c3 = admitted(registry.admit(Registration.nameless(0), OptionalLong.of(42)));
        assertThat(registry.namesHeldBy(42)).isZero();
        registry.leave(c1);
        registry.leave(c2);
        assertThat(recorder.events).isEmpty();
        assertThat(registry.lookup("")).isEmpty();
        Recorder client = new Recorder();
        assertThat(registry.watch(c3, client)).isTrue();
        assertThat(client.snapshot()).isEqualTo(PluginList.of(PluginInfo.of("w", 1)));
    }

    @Test
    void aSecondConnectionStreamIsRefusedUntilTheFirstIsClosed() {
        Member w = admit("w", 1);
        assertThat(registry.watch(w, new Recorder())).isTrue();
        assertThat(registry.watch(w, new Recorder())).isFalse();
        assertThat(registry.unwatch(w)).isTrue();
        assertThat(registry.unwatch(w)).isFalse();
        assertThat(registry.watch(w, new Recorder())).isTrue();
    }

    @Test
    void watchersSeeJoinsAndLeavesOfOthersInOrder() {
        Member w = admit("w", 1);
        Recorder recorder = new Recorder();
        assertThat(registry.watch(w, recorder)).isTrue();
        assertThat(recorder.snapshot()).isEqualTo(PluginList.of());
        Member a = admit("a", 1);
        Member b = admit("b", 7);
        registry.leave(a);
        registry.unwatch(w);
        registry.leave(b);
        assertThat(recorder.events).containsExactly(Event.joined(PluginInfo.of("a", 1)), Event.joined(PluginInfo.of("b", 7)),
                Event.left(PluginInfo.of("a", 1)));
    }

    @Test
    void aProcessMayHoldOnlySoManyNames() {
        OptionalLong pid = OptionalLong.of(1234);
        Member first = admitted(registry.admit(Registration.named("p1", 1), pid));
        admitted(registry.admit(Registration.named("p2", 1), pid));
        assertThat(registry.admit(Registration.named("p3", 1), pid)).isEqualTo(new Admission.Refused(Reason.PROCESS_NAME_LIMIT));
        assertThat(registry.namesHeldBy(1234)).isEqualTo(2);
        admitted(registry.admit(Registration.named("p3", 1), OptionalLong.of(99)));
        admitted(registry.admit(Registration.named("p4", 1), NO_PID));
        admitted(registry.admit(Registration.named("p5", 1), OptionalLong.of(0)));
        admitted(registry.admit(Registration.named("p6", 1), OptionalLong.of(0)));
        registry.leave(first);
        assertThat(registry.namesHeldBy(1234)).isEqualTo(1);
        admitted(registry.admit(Registration.named("p7", 1), pid));
    }

    @Test
    void nameTakenIsCheckedBeforeTheProcessLimit() {
        OptionalLong pid = OptionalLong.of(7);
        admitted(registry.admit(Registration.named("a", 1), pid));
        admitted(registry.admit(Registration.named("b", 1), pid));
        assertThat(registry.admit(Registration.named("a", 1), pid)).isEqualTo(new Admission.Refused(Reason.NAME_TAKEN));
    }

    @Test
    void aWatcherMustNotCallBackIntoTheRegistry() {
        Member w = admit("w", 1);
        List<Throwable> failures = new ArrayList<>();
        registry.watch(w, new Recorder() {
            @Override
            public void event(Event event) {
                try {
                    registry.leave(w);
                } catch (IllegalStateException expected) {
                    failures.add(expected);
                }
            }
        });
        admit("x", 1);
        assertThat(failures).singleElement().extracting(Throwable::getMessage).asString()
                .contains("called from a Watcher callback");
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void aFailingWatcherDoesNotStopTheOthers() {
        registry.watch(admit("bad", 1), new Recorder() {
            @Override
            public void event(Event event) {
                throw new IllegalStateException("boom");
            }
        });
        Recorder good = new Recorder();
        registry.watch(admit("good", 1), good);
        admit("x", 1);
        assertThat(good.events).containsExactly(Event.joined(PluginInfo.of("x", 1)));
    }

    @Test
    void aWatcherWhoseSnapshotFailsIsNotOpen() {
        Member w = admit("w", 1);
        Recorder failing = new Recorder() {
            @Override
            public void snapshot(PluginList snapshot) {
                throw new IllegalStateException("queue full");
            }
        };
        assertThatThrownBy(() -> registry.watch(w, failing)).hasMessage("queue full");
        assertThat(registry.watcherCount()).isZero();
        assertThat(registry.watch(w, new Recorder())).isTrue();
    }

    @Test
    void theSnapshotCannotCallBackIntoTheRegistry() {
        Member w = admit("w", 1);
        Recorder reentrant = new Recorder() {
            @Override
            public void snapshot(PluginList snapshot) {
                registry.unwatch(w);
            }
        };
        assertThatThrownBy(() -> registry.watch(w, reentrant)).hasMessageContaining("Watcher callback");
    }

    @Test
    void membersOfAnotherRegistryAreRejected() {
        Member foreign = admitted(new Registry(1).admit(Registration.named("kv", 1), NO_PID));
        assertThatThrownBy(() -> registry.leave(foreign)).hasMessageContaining("another registry");
    }

    private Member admit(String name, int version) {
        return admitted(registry.admit(Registration.named(name, version), NO_PID));
    }

    static Member admitted(Admission admission) {
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).member();
    }
}
