package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcCancelledException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;

/** An {@code InputStream} passed to the peer: its bytes go out as {@code cmd.data}, then {@code cmd.end}. */
final class SourceExport extends StreamExport {

    private final InputStream in;

    SourceExport(Endpoint ep, long ref, InputStream in, boolean owned) {
        super(ep, ref, owned);
        this.in = in;
    }

    @Override
    void pump(MessageChannel ch) {
        byte[] buf = new byte[ep.config().streamChunkBytes()];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    ch.send(FrameCodec.encode(0, Direction.ONEWAY, Commands.DATA, buf, 0, n));
                }
            }
            ch.send(FrameCodec.encode(Frame.oneway(Commands.END, Endpoint.EMPTY)));
        } catch (ChannelClosedException | RpcCancelledException e) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": the reader of stream ref " + ref + " stopped early: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            trySend(ch, Frame.oneway(Commands.ERROR, Bodies.error(e.getClass().getName(),
                    "reading the source of stream ref " + ref + " failed: " + e.getMessage())));
        }
    }

    @Override
    void closeStream() throws IOException {
        in.close();
    }
}
