package io.minbus.host;

import java.io.Serial;
import java.nio.file.Path;

/** A plugin manifest ({@code *.plugin.json}) is unreadable or invalid. Names the file and the field. */
public class ManifestException extends PluginException {

    @Serial private static final long serialVersionUID = 1L;

    private final Path file;
    private final String field;

    /**
     * Creates an exception.
     *
     * @param file the manifest file
     * @param field the offending field as a dotted path (e.g. {@code sandbox.writable[1]}), or empty
     *     if the file as a whole is at fault
     * @param problem what is wrong with it
     * @param cause the underlying failure, or null
     */
    public ManifestException(Path file, String field, String problem, Throwable cause) {
        super(file + (field.isEmpty() ? "" : ": field '" + field + "'") + ": " + problem, cause);
        this.file = file;
        this.field = field;
    }

    /** The manifest file. */
    public Path file() {
        return file;
    }

    /** The offending field as a dotted path, or empty if the file as a whole is at fault. */
    public String field() {
        return field;
    }
}
