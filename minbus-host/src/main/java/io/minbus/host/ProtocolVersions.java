package io.minbus.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The minbus protocol versions a host offers a plugin, as carried by {@code MINBUS_PROTOCOL_VERSIONS}:
 * decimal numbers separated by commas, e.g. {@code 1} or {@code 1,2}. Both sides pick the highest
 * version they share.
 */
public final class ProtocolVersions {

    /** The protocol versions this build of minbus speaks. */
    public static final List<Integer> SUPPORTED = List.of(1);

    private ProtocolVersions() {}

    /**
     * Parses a {@code MINBUS_PROTOCOL_VERSIONS} value.
     *
     * @param text e.g. {@code "1,2"}; spaces around numbers are allowed
     * @return the versions, ascending, without duplicates
     * @throws PluginException naming the text if it is empty or not a list of numbers 0..65535
     */
    public static List<Integer> parse(String text) {
        Objects.requireNonNull(text, "text");
        TreeSet<Integer> versions = new TreeSet<>();
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            try {
                int v = Integer.parseInt(p);
                if (v < 0 || v > 0xFFFF) {
                    throw new NumberFormatException();
                }
                versions.add(v);
            } catch (NumberFormatException e) {
                throw new PluginException("MINBUS_PROTOCOL_VERSIONS='" + text
                        + "' is not a comma-separated list of protocol versions (numbers 0..65535)");
            }
        }
        return List.copyOf(versions);
    }

    /** Formats versions the way {@code MINBUS_PROTOCOL_VERSIONS} carries them, e.g. {@code 1,2}. */
    public static String format(List<Integer> versions) {
        List<String> parts = new ArrayList<>();
        for (Integer v : versions) {
            parts.add(Integer.toString(v));
        }
        return String.join(",", parts);
    }

    /**
     * The highest version both sides support.
     *
     * @param hostVersions what the host offers
     * @param pluginVersions what the plugin supports
     * @return the highest common version
     * @throws ProtocolVersionException naming both lists if they share no version
     */
    public static int negotiate(List<Integer> hostVersions, List<Integer> pluginVersions) {
        int best = -1;
        for (int v : pluginVersions) {
            if (hostVersions.contains(v) && v > best) {
                best = v;
            }
        }
        if (best < 0) {
            throw new ProtocolVersionException(sorted(hostVersions), sorted(pluginVersions));
        }
        return best;
    }

    private static List<Integer> sorted(List<Integer> versions) {
        return List.copyOf(new TreeSet<>(versions));
    }
}
