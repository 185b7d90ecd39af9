package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite over real OS pipes through two {@code cat} child processes, one per
 * direction: a writes to the first cat's stdin, b reads its stdout, and the other way round. The
 * streams are the JDK's process streams, not plain file streams.
 */
class ProcessPipeTransportTest extends AbstractTransportTest {

    private Process aToB;
    private Process bToA;

    @Override
    protected Pair connect() throws Exception {
        aToB = Fifos.cat();
        bToA = new ProcessBuilder("/bin/sh", "-c", "cat")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new Pair(
                Transports.pipes(bToA.getInputStream(), aToB.getOutputStream(), "pipe:a"),
                Transports.pipes(aToB.getInputStream(), bToA.getOutputStream(), "pipe:b"));
    }

    @Override
    protected void release() throws Exception {
        for (Process p : new Process[] {aToB, bToA}) {
            p.destroyForcibly();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("child ended").isTrue();
        }
    }

    @Override
    protected String descriptionPattern() {
        return "pipe:[ab]";
    }

    @Test
    void halfCloseEndsTheChild() throws Exception {
        a.shutdownOutput();
        assertThat(aToB.waitFor(10, TimeUnit.SECONDS)).as("cat saw end of stream and exited").isTrue();
        assertThat(aToB.exitValue()).isZero();
    }
}
