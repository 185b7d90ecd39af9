package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A tuple list: the response to a connection query (docs/minbus.md §6) and the snapshot that starts
 * a connection stream (§7). Zero or more tuples back to back, each name at most once, never the
 * empty name; nothing before, between or after them.
 *
 * <pre>
 *  n1 | name1 | version1 (u16) | n2 | name2 | version2 | ...
 * </pre>
 *
 * @param plugins in the server's order (registration order)
 */
public record PluginList(List<PluginInfo> plugins) {
    private static final String WHAT = "plugin list";
    private static final String SECTION = "2";

    /** @throws IllegalArgumentException if a name occurs twice */
    public PluginList {
        plugins = List.copyOf(plugins);
        Set<String> seen = new HashSet<>();
        for (PluginInfo p : plugins) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("plugin \"" + p.name() + "\" is listed twice; a plugin list"
                        + " holds each name at most once");
            }
        }
    }

    /** The list of these plugins. */
    public static PluginList of(PluginInfo... plugins) {
        return new PluginList(List.of(plugins));
    }

    /** The payload size in bytes. */
    public int encodedSize() {
        int size = 0;
        for (PluginInfo p : plugins) {
            size += p.encodedSize();
        }
        return size;
    }

    /** The payload bytes. */
    public ByteBuffer encode() {
        List<byte[]> names = new ArrayList<>(plugins.size());
        int size = 0;
        for (PluginInfo p : plugins) {
            byte[] name = Names.utf8(p.name(), false);
            names.add(name);
            size += 3 + name.length;
        }
        PayloadWriter out = new PayloadWriter(size);
        for (int i = 0; i < names.size(); i++) {
            out.tuple(names.get(i), plugins.get(i).version());
        }
        return out.done();
    }

    /**
     * Decodes a tuple list strictly (a cut-short tuple cannot be told from trailing bytes).
     *
     * @throws MalformedPayloadException on a cut-short tuple, an empty name, invalid UTF-8 or a
     *                                   duplicate name
     */
    public static PluginList decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        List<PluginInfo> plugins = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (in.hasRemaining()) {
            PayloadReader.Tuple t = in.tuple(false);
            if (!seen.add(t.name())) {
                throw in.fail("plugin \"" + t.name() + "\" is listed twice");
            }
            plugins.add(new PluginInfo(t.name(), t.version()));
        }
        return new PluginList(plugins);
    }

    @Override
    public String toString() {
        return plugins.stream().map(PluginInfo::toString).collect(Collectors.joining(", ", "plugins [", "]"));
    }
}
