package io.minbus.transport.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The debug switch and the laziness of {@link LazyLogger}; that a plugin never starts the backend is PluginLoggingTest (minbus-host). */
@Timeout(10)
class LazyLoggerTest {

    @Test
    void theDebugSwitchFollowsThePropertyElseAJavaUtilLoggingConfiguration() {
        assertThat(LazyLogger.debugSwitch(null, null, null)).isFalse();
        assertThat(LazyLogger.debugSwitch(null, "/etc/logging.properties", null)).isTrue();
        assertThat(LazyLogger.debugSwitch(null, null, "com.example.LogConfig")).isTrue();
        assertThat(LazyLogger.debugSwitch("true", null, null)).isTrue();
        assertThat(LazyLogger.debugSwitch("", null, null)).as("-Dminbus.debug without a value").isTrue();
        assertThat(LazyLogger.debugSwitch(" FALSE ", "/etc/logging.properties", null)).isFalse();
    }

    @Test
    void debugMessagesWithDebugLoggingOffNeverReachTheBackend() {
        assumeFalse(LazyLogger.debugOn(), "debug logging is on in this JVM (minbus.debug or a JUL configuration)");
        System.Logger log = LazyLogger.of("minbus.test.lazy");
        assertThat(log.isLoggable(Level.DEBUG)).isFalse();
        assertThat(log.isLoggable(Level.TRACE)).isFalse();
        log.log(Level.DEBUG, () -> {
            throw new AssertionError("the message of a dropped DEBUG call was built");
        });
        assertThat(log).hasToString("LazyLogger[minbus.test.lazy, not started]");
    }

    @Test
    void aMessageAtInfoOrAboveStartsTheBackend() {
        System.Logger log = LazyLogger.of("minbus.test.started");
        assertThat(log.getName()).isEqualTo("minbus.test.started");
        assertThat(log).hasToString("LazyLogger[minbus.test.started, not started]");
        log.isLoggable(Level.WARNING);
        assertThat(log).hasToString("LazyLogger[minbus.test.started]");
    }
}
