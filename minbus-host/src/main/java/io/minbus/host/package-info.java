/**
 * Launching and supervising minbus plugins. Start with {@link io.minbus.host.Launcher} (host side)
 * and {@link io.minbus.host.PluginEnvironment} (plugin side); the guide is {@code docs/host.md}.
 */
package io.minbus.host;
