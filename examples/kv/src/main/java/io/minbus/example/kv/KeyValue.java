package io.minbus.example.kv;

import java.util.List;
import java.util.Optional;

/**
 * The contract of the kv plugin: the whole of it, nothing is generated. Each method is one
 * minbus-rpc command; its arguments travel as a JSON array, its result as one JSON value.
 */
public interface KeyValue {

    /** Stores {@code value} under {@code key}, replacing what was there. */
    void put(String key, String value);

    /** The value stored under {@code key}; empty if none (JSON {@code null}). */
    Optional<String> get(String key);

    /** Every key, sorted. */
    List<String> keys();
}
