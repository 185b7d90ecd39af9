package io.minbus.mux;

import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The conformance suite over real OS pipes: each direction runs through its own {@code cat} child
 * process, so bytes cross two pipes and another process, as with a plugin in pipe mode.
 */
class ProcessPipeSessionTest extends AbstractSessionConformanceTest {
    private final List<Process> children = new ArrayList<>();

    @Override
    protected Transport[] connect() throws Exception {
        Process aToB = cat();
        Process bToA = cat();
        return new Transport[] {
            Transports.pipes(bToA.getInputStream(), aToB.getOutputStream(), "pipe:a"),
            Transports.pipes(aToB.getInputStream(), bToA.getOutputStream(), "pipe:b")
        };
    }

    private Process cat() throws Exception {
        Process p = new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        return p;
    }

    @Override
    protected void release() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
