package io.minbus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The direct options a {@code MinBus.Builder} collects (docs/minbus.md §19). */
@Timeout(10)
class DirectOptionsTest {

    @Test
    void aRelativeDirectoryIsMadeAbsoluteSinceItsPathIsOfferedToInitiatorsElsewhere() {
        Path relative = Path.of("some", "direct");
        DirectOptions o = DirectOptions.defaults().withDirectory(relative);
        assertThat(o.directory()).hasValue(relative.toAbsolutePath());
        assertThat(o.directory().orElseThrow().isAbsolute()).isTrue();
    }
}
