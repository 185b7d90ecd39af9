package io.minbus.host;

import java.io.Serial;
import java.nio.file.Path;

/**
 * A plugin executable failed verification (SHA-256 mismatch, bad or untrusted signature, unreadable
 * file); it was not started.
 */
public class PluginVerificationException extends PluginException {

    @Serial private static final long serialVersionUID = 1L;

    private final Path executable;
    private final String expected;
    private final String actual;

    /**
     * Creates an exception.
     *
     * @param executable the file that was checked
     * @param message what failed
     * @param expected what was expected (a hex SHA-256, or a description of the trusted keys)
     * @param actual what was found (the file's hex SHA-256)
     */
    public PluginVerificationException(Path executable, String message, String expected, String actual) {
        super(message);
        this.executable = executable;
        this.expected = expected;
        this.actual = actual;
    }

    /** The file that was checked. */
    public Path executable() {
        return executable;
    }

    /** What was expected: a hex SHA-256, or a description of the trusted keys. */
    public String expected() {
        return expected;
    }

    /** The SHA-256 of the file's bytes, in hex (empty if the file could not be read). */
    public String actual() {
        return actual;
    }
}
