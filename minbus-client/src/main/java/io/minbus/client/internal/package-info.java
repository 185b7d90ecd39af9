/**
 * The implementation of the plugin SDK (not exported). {@link
 * io.minbus.client.internal.ClientConnection} runs one {@link io.minbus.mux.Session} to the bus:
 * registration on the top level, queries as requests, the connection stream, connect duplexes;
 * a dispatcher thread takes what the bus opens (incoming connections) and answers anything
 * unexpected as docs/minbus.md §12 says. {@link io.minbus.client.internal.Failures} turns session
 * failures and the bus's end payloads into the API's typed exceptions.
 */
package io.minbus.client.internal;
