/**
 * The process half of a minbus host: launching plugin executables with the minbus environment
 * contract, forwarding their stdout and stderr to {@code System.Logger}, supervising them (states,
 * restarts with back-off, graceful stop then SIGTERM then SIGKILL, no orphans), discovering them
 * (globs and {@code *.plugin.json} manifests), verifying them (SHA-256 or Ed25519) and sandboxing
 * them (bubblewrap). Also the plugin side of the contract ({@link io.minbus.host.PluginEnvironment}).
 * User guide: {@code docs/host.md}.
 */
module io.minbus.host {
    exports io.minbus.host;

    requires tools.jackson.databind;
    requires transitive io.minbus.client;
    requires transitive io.minbus.server;
    requires transitive io.minbus.rpc;
}
