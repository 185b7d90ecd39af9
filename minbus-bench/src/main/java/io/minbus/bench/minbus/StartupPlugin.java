package io.minbus.bench.minbus;

import io.minbus.host.PluginMain;

/**
 * The Java plugin of the start-up scenario: the SDK's {@link PluginMain} (reads the launch
 * environment, connects, registers, answers the launch challenge), echoing every channel; exits 0
 * when the host asks it to stop. Not meant to be run by hand.
 */
public final class StartupPlugin {

    private StartupPlugin() {
    }

    public static void main(String[] args) {
        PluginMain.run(1, rt -> rt.plugin().onConnect(EchoPlugins::echo));
    }
}
