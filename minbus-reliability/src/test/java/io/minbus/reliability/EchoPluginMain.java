package io.minbus.reliability;

import io.minbus.client.Channel;
import io.minbus.client.MinBusException;
import io.minbus.host.PluginMain;
import io.minbus.host.PluginRuntime;

/**
 * A plugin on the host SDK ({@link PluginMain}), run as a child process by {@link BusRestartTest}:
 * registers under {@code MINBUS_PLUGIN_NAME}, proves its launch secret, echoes every message on every
 * channel. Exits 0 when the host asks it to stop, 75 when the bus is unreachable or goes away.
 */
public final class EchoPluginMain {
    private EchoPluginMain() {
    }

    public static void main(String[] args) {
        PluginMain.run(PluginRuntime.builder().version(1), rt -> rt.plugin().onConnect(EchoPluginMain::echo));
    }

    private static void echo(Channel ch) {
        try {
            while (true) {
                ch.send(ch.receive());
            }
        } catch (MinBusException e) {
            // the other side closed or went away
        }
    }
}
