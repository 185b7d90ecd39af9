#!/usr/bin/env node
'use strict'
// A peer for the minbus-identity interop tests, built on the npm reference implementations
// (secret-handshake for the handshake, pull-box-stream inside it for the encryption).
//
//   node shs-peer.js server NETWORK_KEY_HEX
//       listens on 127.0.0.1 (a free port), serves one client, prints "listening PORT PUBLIC_KEY_HEX"
//   node shs-peer.js client NETWORK_KEY_HEX PORT SERVER_PUBLIC_KEY_HEX
//       connects to 127.0.0.1:PORT, prints "client PUBLIC_KEY_HEX"
//
// After the handshake it prints "peer PUBLIC_KEY_HEX" (the key the other side proved), sends
// "hello from npm\n", then echoes every byte it receives. When the other side's goodbye arrives
// it ends its own stream (its goodbye), prints "echoed N" and exits 0. Any error: a line
// "error MESSAGE" on stderr and exit code 1.

const net = require('net')
const pull = require('pull-stream')
const toPull = require('stream-to-pull-stream')
const shs = require('secret-handshake')
const sodium = require('chloride')

const [mode, networkKeyHex, ...rest] = process.argv.slice(2)
const networkKey = Buffer.from(networkKeyHex, 'hex')
const keys = sodium.crypto_sign_keypair()
const TIMEOUT_MS = 20000

function fail (err) {
  process.stderr.write('error ' + (err && err.message ? err.message : String(err)) + '\n')
  process.exit(1)
}

// emits `first`, then whatever `source` emits
function prepend (first, source) {
  let sent = false
  return function (abort, cb) {
    if (!sent && !abort) {
      sent = true
      return cb(null, first)
    }
    source(abort, cb)
  }
}

function echo (stream) {
  process.stdout.write('peer ' + stream.remote.toString('hex') + '\n')
  let echoed = 0
  pull(
    prepend(Buffer.from('hello from npm\n'), stream.source),
    pull.through(function (data) { echoed += data.length }),
    stream.sink
  )
  return function () { return echoed }
}

function connectDuplex (socket, shake) {
  const duplex = toPull.duplex(socket)
  pull(duplex, shake, duplex)
}

if (mode === 'server') {
  let echoed = null
  // half-open: the other side's end of input must not end our output before the echo is out
  const server = net.createServer({ allowHalfOpen: true }, function (socket) {
    server.close() // one client only
    const shake = shs.createServer(keys, function (pub, cb) { cb(null, true) }, networkKey, TIMEOUT_MS)(
      function (err, stream) {
        if (err) return fail(err)
        echoed = echo(stream)
      })
    socket.on('error', fail)
    socket.on('close', function () {
      if (echoed === null) return fail(new Error('connection closed during the handshake'))
      process.stdout.write('echoed ' + echoed() + '\n')
      process.exit(0)
    })
    connectDuplex(socket, shake)
  })
  server.listen(0, '127.0.0.1', function () {
    process.stdout.write('listening ' + server.address().port + ' ' + keys.publicKey.toString('hex') + '\n')
  })
} else if (mode === 'client') {
  const [port, serverKeyHex] = rest
  process.stdout.write('client ' + keys.publicKey.toString('hex') + '\n')
  let echoed = null
  const socket = net.connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true })
  const shake = shs.createClient(keys, networkKey, TIMEOUT_MS)(Buffer.from(serverKeyHex, 'hex'),
    function (err, stream) {
      if (err) return fail(err)
      echoed = echo(stream)
    })
  socket.on('error', fail)
  socket.on('close', function () {
    if (echoed === null) return fail(new Error('connection closed during the handshake'))
    process.stdout.write('echoed ' + echoed() + '\n')
    process.exit(0)
  })
  connectDuplex(socket, shake)
} else {
  fail(new Error('usage: shs-peer.js server NETWORK_KEY_HEX | client NETWORK_KEY_HEX PORT SERVER_KEY_HEX'))
}
