package io.minbus.rpc;

import java.io.Serial;

/**
 * The peer sent a message that breaks the wire format of docs/rpc.md. The endpoint drops the
 * message, tells the peer with a {@code cmd.error} (docs/rpc.md §6), reports it to {@link
 * RpcConfig.Builder#onMalformed} and keeps running: a malformed message never closes an endpoint.
 */
public class MalformedMessageException extends RpcException {

    @Serial private static final long serialVersionUID = 1L;

    /** The rule of docs/rpc.md a message broke. */
    public enum Rule {
        /** A field's 0x00 terminator is missing, or the message is shorter than its command. */
        TRUNCATED("2"),
        /** THREAD is not canonical ASCII decimal, or exceeds 9223372036854775807. */
        THREAD_ID("2"),
        /** DIRECTION is not one of the digits 0, 1 and 2. */
        DIRECTION("2"),
        /** CMDLEN is not canonical ASCII decimal between 1 and 1024. */
        CMD_LENGTH("2"),
        /** CMD is not UTF-8 text without control characters. */
        CMD_TEXT("2"),
        /** A request or response has thread 0, or a one-way message has another thread. */
        THREAD_FOR_DIRECTION("2"),
        /** The body of a built-in command does not have the layout its section prescribes. */
        BODY("3");

        private final String section;

        Rule(String section) {
            this.section = section;
        }

        /** The section of docs/rpc.md that states the rule. */
        public String section() {
            return section;
        }
    }

    private final Rule rule;

    /**
     * Creates the exception.
     *
     * @param rule the broken rule
     * @param detail what exactly is wrong, e.g. which byte at which offset
     */
    public MalformedMessageException(Rule rule, String detail) {
        super("malformed message, rule " + rule + " (docs/rpc.md §" + rule.section() + "): " + detail);
        this.rule = rule;
    }

    /** The broken rule. */
    public Rule rule() {
        return rule;
    }
}
