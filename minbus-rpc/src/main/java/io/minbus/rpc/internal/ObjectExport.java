package io.minbus.rpc.internal;

/**
 * A callback object passed to the peer; the peer calls it with {@code method@ref} until it
 * releases the ref (when its proxy is garbage-collected) or the endpoint closes.
 *
 * @param target the object
 * @param shape the interface it was passed as
 */
record ObjectExport(Object target, Shapes.InterfaceShape shape) implements Export {

    @Override
    public void released() {}
}
