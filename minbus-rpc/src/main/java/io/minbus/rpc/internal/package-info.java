/** The implementation of minbus-rpc; not exported. */
package io.minbus.rpc.internal;
