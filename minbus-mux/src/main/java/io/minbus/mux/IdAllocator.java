package io.minbus.mux;

import java.util.BitSet;

/**
 * Hands out the lowest free id of one id space (docs/protocol.md §13: short VarU64s), and takes ids
 * back once their entity is removed (§8).
 */
final class IdAllocator {
    private final BitSet used = new BitSet();

    /** @param reserveZero true for the channel id space, where 0 is the top level */
    IdAllocator(boolean reserveZero) {
        if (reserveZero) {
            used.set(0);
        }
    }

    long allocate() {
        int id = used.nextClearBit(0);
        if (id < 0) {
            throw new MuxLimitException("no free id left in this id space");
        }
        used.set(id);
        return id;
    }

    void release(long id) {
        used.clear((int) id); // the top level (channel id 0) is never removed, so never released
    }
}
