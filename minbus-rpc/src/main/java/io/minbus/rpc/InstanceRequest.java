package io.minbus.rpc;

import java.util.Arrays;

/**
 * A peer's request for an instance ({@code cmd.open}, docs/rpc.md §4), as a {@link Dispenser}
 * sees it.
 *
 * @param instance the instance name, e.g. {@code "kv"}
 * @param codec the codec the peer asked for (both sides use it)
 * @param configBytes the configuration as sent
 */
public record InstanceRequest(String instance, Codec codec, byte[] configBytes) {

    /**
     * The configuration decoded with the codec; {@code byte[].class} gives the raw bytes.
     *
     * @throws CodecException if the configuration is not a {@code type}
     */
    public <C> C config(Class<C> type) {
        if (type == byte[].class) {
            return type.cast(configBytes.clone());
        }
        return type.cast(codec.decode(type, configBytes));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceRequest r && r.instance.equals(instance) && r.codec.equals(codec)
                && Arrays.equals(r.configBytes, configBytes);
    }

    @Override
    public int hashCode() {
        return instance.hashCode() * 31 + Arrays.hashCode(configBytes);
    }

    @Override
    public String toString() {
        return "InstanceRequest[" + instance + ", codec " + codec.name() + ", " + configBytes.length + " config bytes]";
    }
}
