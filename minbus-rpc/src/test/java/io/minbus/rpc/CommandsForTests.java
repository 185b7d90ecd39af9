package io.minbus.rpc;

/** Built-in command names, for tests that call them directly. */
final class CommandsForTests {
    static final String PING = "cmd.ping";

    private CommandsForTests() {}
}
