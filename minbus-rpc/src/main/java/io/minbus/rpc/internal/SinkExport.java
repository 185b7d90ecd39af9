package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcCancelledException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An {@code OutputStream} passed to the peer: {@code cmd.data} from the peer is written to it;
 * after {@code cmd.end} it is flushed (and closed, if owned) and the end is acknowledged with a
 * {@code cmd.end} back, so the writer knows every byte arrived.
 */
final class SinkExport extends StreamExport {

    private final OutputStream out;

    SinkExport(Endpoint ep, long ref, OutputStream out, boolean owned) {
        super(ep, ref, owned);
        this.out = out;
    }

    @Override
    void pump(MessageChannel ch) {
        byte[] buf = new byte[0];
        try {
            while (true) {
                Optional<ByteBuffer> m = ch.receive();
                if (m.isEmpty()) {
                    Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": the writer of stream ref " + ref + " left without cmd.end");
                    return;
                }
                Frame f = FrameCodec.decode(m.get());
                if (f.isOneway(Commands.DATA)) {
                    ByteBuffer b = f.body();
                    if (buf.length < b.remaining()) {
                        buf = new byte[b.remaining()];
                    }
                    int n = b.remaining();
                    b.get(buf, 0, n);
                    out.write(buf, 0, n);
                } else if (f.isOneway(Commands.END)) {
                    out.flush();
                    finishStrict();
                    ch.send(FrameCodec.encode(Frame.oneway(Commands.END, Endpoint.EMPTY)));
                    return;
                } else if (f.isOneway(Commands.ERROR)) {
                    Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": the writer of stream ref " + ref + " failed: " + f.bodyText());
                    return;
                } else {
                    throw new MalformedMessageException(MalformedMessageException.Rule.BODY, "'" + f + "' is not allowed on a stream channel (docs/rpc.md §7)");
                }
            }
        } catch (ChannelClosedException | RpcCancelledException e) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": stream ref " + ref + " closed early: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            trySend(ch, Frame.oneway(Commands.ERROR, Bodies.error(e.getClass().getName(),
                    (e instanceof MalformedMessageException ? "" : "writing to the destination of stream ref " + ref + " failed: ") + e.getMessage())));
        }
    }

    @Override
    void closeStream() throws IOException {
        out.close();
    }
}
