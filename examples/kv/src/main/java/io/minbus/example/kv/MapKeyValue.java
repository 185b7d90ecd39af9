package io.minbus.example.kv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** {@link KeyValue} in memory. Thread-safe. */
public final class MapKeyValue implements KeyValue {
    private final ConcurrentSkipListMap<String, String> map = new ConcurrentSkipListMap<>();

    @Override
    public void put(String key, String value) {
        map.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(map.get(key));
    }

    @Override
    public List<String> keys() {
        return List.copyOf(map.keySet());
    }
}
