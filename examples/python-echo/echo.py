#!/usr/bin/env python3
"""A minbus plugin in Python (standard library only): echoes every message on every channel.

Written from docs/protocol.md (preamble, chunks, credit, partial payloads, ends, pings),
docs/minbus.md (registration, incoming connections) and docs/host.md section 8 (the launch
environment and the launch handshake). Run it with a host, e.g. `minbus launch examples/python-echo/echo.py`.

Environment (docs/host.md section 1): MINBUS_ADDRESS (unix:PATH, net:HOST:PORT, or pipe:stdio for
pipe mode), MINBUS_PLUGIN_SECRET, MINBUS_PROTOCOL_VERSIONS, MINBUS_PLUGIN_NAME, MINBUS_STDIN.
"""
import os
import select
import sys

# Start-up matters for a plugin (the host waits for it), so only cheap modules are imported here:
# - the socket module's C core: socket.py itself imports enum, selectors and more (about as long
#   as the rest of this plugin's start-up), and this plugin needs none of it;
# - hashlib and hmac (they load OpenSSL) once the registration is out, while the bus and the host
#   work on it (Plugin.flush_top);
# - no threads (the reading loop watches the stdin lifeline, Reader.exact), no collections.
try:
    import _socket as socket
except ImportError:  # not CPython
    import socket
hashlib = hmac = None

NOT_LAUNCHED = ("This is a minbus plugin; it is started by a minbus host "
                "(e.g. `minbus launch PATH`), not directly.")
SUPPORTED_VERSIONS = [1]
PLUGIN_VERSION = 1

MAX_FRAME = 262144
MAX_MESSAGE = 67108864
MAX_ENTITIES = 65536
WINDOW = 65536

# chunk types (protocol.md section 5)
OUT_REQUEST, IN_REQUEST, OUT_SINK, IN_SINK, OUT_STREAM, IN_STREAM, DUPLEX, PARTIAL = range(8)
P, C, G, E, A = 0x10, 0x08, 0x04, 0x02, 0x01

CHALLENGE_PREFIX = b"MINBUS-CHALLENGE "
PROOF_PREFIX = b"MINBUS-PROOF "


def log(msg):
    print("[python-echo] " + msg, file=sys.stderr, flush=True)


def varu64(n):
    if n <= 247:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([247 + len(b)]) + b


def payload(data):
    return varu64(len(data)) + data


class Reader:
    """Blocking reads of exact sizes from a socket or a file descriptor."""

    def __init__(self, recv, fd, lifeline):
        self.recv = recv
        self.buf = bytearray()
        self.watch = [fd, 0] if lifeline else None  # stdin: the host's lifeline (docs/host.md 6)

    def exact(self, n):
        while len(self.buf) < n:
            if self.watch is not None:
                ready = select.select(self.watch, [], [])[0]
                if 0 in ready and not os.read(0, 4096):
                    log("the host is gone; exiting")
                    os._exit(0)
                if self.watch[0] not in ready:
                    continue
            data = self.recv(65536)
            if not data:
                raise EOFError("the bus closed the connection")
            self.buf += data
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def u8(self):
        return self.exact(1)[0]

    def varu64(self):
        b = self.u8()
        if b <= 247:
            return b
        n = int.from_bytes(self.exact(b - 247), "big")
        if n < 248 or (b - 247 > 1 and n < 1 << (8 * (b - 248))):
            raise ValueError("NON_CANONICAL_VARU64")
        return n

    def payload(self, limit):
        n = self.varu64()
        if n > limit:
            raise ValueError("FRAME_TOO_LARGE")
        return self.exact(n)


class Channel:
    """A duplex the server opened to us (an incoming connection, minbus.md section 8.4)."""

    def __init__(self, cid, initiator):
        self.id = cid
        self.initiator = initiator
        self.credit = 0            # what we may still send on the half we write
        self.granted = 0           # credit we granted and the server has not used yet
        self.outbox = []           # [message bytes, bytes sent, partial header sent]
        self.partial = None        # [total, bytearray] while a partial payload arrives
        self.read_ended = False    # the half we read is done (closed by the peer and acked, or cancelled)
        self.write_ended = False   # the half we write is done (we closed it, or acked its cancel)
        self.close_after_flush = False
        self.role = "new"          # new -> challenged (host) -> control | echo


class Plugin:
    def __init__(self, env, lifeline):
        self.secret = bytes.fromhex(env["MINBUS_PLUGIN_SECRET"])
        self.name = env["MINBUS_PLUGIN_NAME"].encode("utf-8")
        address = env["MINBUS_ADDRESS"]
        if address == "pipe:stdio":
            rfd, wfd = os.dup(0), os.dup(1)
            os.dup2(2, 1)  # stdout carries the session; stray prints go to stderr
            self.recv = lambda n: os.read(rfd, n)
            self._send = lambda b: os.write(wfd, b)
            fd, lifeline = rfd, False
        elif address.startswith("unix:"):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(address[len("unix:"):])
            self.recv, self._send, fd = s.recv, s.send, s.fileno()
        elif address.startswith("net:"):
            host, port = address[len("net:"):].rsplit(":", 1)
            s, error = None, OSError("%s has no address" % host)
            for family, kind, proto, _, addr in socket.getaddrinfo(host, int(port), 0, socket.SOCK_STREAM):
                s = socket.socket(family, kind, proto)
                try:
                    s.connect(addr)
                    break
                except OSError as e:
                    s.close()
                    s, error = None, e
            if s is None:
                raise error
            self.recv, self._send, fd = s.recv, s.send, s.fileno()
        else:
            raise SystemExit("MINBUS_ADDRESS=%r is not an address this plugin understands" % address)
        self.reader = Reader(self.recv, fd, lifeline)
        self.top_credit = 0
        self.top_outbox = []
        self.peer_max_frame = 1024
        self.channels = {}
        self.registered = False
        self.top_partial = None

    def send(self, data):
        view = memoryview(data)
        while view:
            n = self._send(view)
            view = view[n:]

    def chunk(self, kind, cid, flags, data=None, credit=None, end=None):
        out = bytes([(kind << 5) | flags]) + varu64(cid)
        if flags & P:
            out += payload(data)
        if flags & C:
            out += varu64(credit)
        if flags & E:
            out += payload(end)
        self.send(out)

    # ---- preamble and registration (protocol.md 3, minbus.md 3-4) ----

    def start(self):
        self.send(b"minbus" + bytes([1, 1]) + varu64(MAX_FRAME) + varu64(MAX_MESSAGE) + varu64(MAX_ENTITIES))
        magic = self.reader.exact(6)
        if magic != b"minbus":
            raise SystemExit("not a minbus bus: %r" % magic)
        lo, hi = self.reader.u8(), self.reader.u8()
        if not lo <= 1 <= hi:
            raise SystemExit("minbus protocol 1 expected, the bus speaks %d to %d" % (lo, hi))
        self.peer_max_frame = self.reader.varu64()
        self.reader.varu64()  # max_message
        self.reader.varu64()  # max_entities
        self.chunk(OUT_STREAM, 0, C, credit=WINDOW)  # room for the registration result
        name_version = bytes([len(self.name)]) + self.name + PLUGIN_VERSION.to_bytes(2, "big")
        self.top_outbox.append(name_version)
        self.flush_top()

    def flush_top(self):
        while self.top_outbox and len(self.top_outbox[0]) <= self.top_credit:
            m = self.top_outbox.pop(0)
            self.top_credit -= len(m)
            self.chunk(OUT_SINK, 0, P, data=m)
        global hashlib, hmac
        if hmac is None and not self.top_outbox:
            # the registration is out: load what the launch challenge needs while the bus and the
            # host handle it (OpenSSL takes milliseconds to load), not once the challenge is here
            import hashlib
            import hmac

    # ---- sending on a channel: credit and partial payloads (protocol.md 7.2, 9) ----

    def write(self, ch, message):
        if not ch.write_ended:
            ch.outbox.append([bytes(message), 0, False])
            self.flush(ch)

    def flush(self, ch):
        while ch.outbox and not ch.write_ended:
            entry = ch.outbox[0]
            msg, sent, started = entry
            if not started and len(msg) <= min(ch.credit, self.peer_max_frame):
                ch.credit -= len(msg)
                self.chunk(IN_SINK, ch.id, P, data=msg)
                ch.outbox.pop(0)
                continue
            if ch.credit == 0:
                return
            if not started:
                total = len(msg).to_bytes((len(msg).bit_length() + 7) // 8, "big")
                self.send(bytes([0xE0 | (len(total) - 1)]) + total)
                entry[2] = True
            n = min(len(msg) - sent, ch.credit, self.peer_max_frame)
            ch.credit -= n
            self.chunk(IN_SINK, ch.id, P, data=msg[sent:sent + n])
            entry[1] = sent + n
            if entry[1] == len(msg):
                ch.outbox.pop(0)
        if not ch.outbox and ch.close_after_flush and not ch.write_ended:
            ch.write_ended = True
            self.chunk(IN_SINK, ch.id, E, end=b"")
            self.forget_if_done(ch)

    def forget_if_done(self, ch):
        if ch.read_ended and ch.write_ended and ch.id in self.channels:
            del self.channels[ch.id]

    # ---- receiving ----

    def run(self):
        self.start()
        while True:
            tag = self.reader.u8()
            if tag >> 5 == PARTIAL:
                size = (tag & 7) + 1
                total = int.from_bytes(self.reader.exact(size), "big")
                self.pending_partial = total
                continue
            kind, flags = tag >> 5, tag & 0x1F
            cid = self.reader.varu64()
            data = self.reader.payload(MAX_FRAME) if flags & P else None
            credit = self.reader.varu64() if flags & C else None
            end = self.reader.payload(MAX_FRAME) if flags & E else None
            total = getattr(self, "pending_partial", None)
            self.pending_partial = None
            if cid == 0 and kind in (OUT_SINK, OUT_STREAM):
                self.top_level(kind, flags, data, credit, end, total)
            elif kind == DUPLEX:
                self.incoming(cid, data)
            elif kind in (OUT_SINK, OUT_STREAM):
                ch = self.channels.get(cid)
                if ch is not None:
                    self.on_channel(ch, kind, flags, data, credit, end, total)
            elif kind in (OUT_REQUEST, IN_REQUEST, IN_SINK, IN_STREAM):
                pass  # we create no requests, sinks or streams; the server sends none of these here

    def top_level(self, kind, flags, data, credit, end, total):
        if kind == OUT_STREAM:  # about the half we write
            if flags & C:
                self.top_credit += credit
                self.flush_top()
            if flags & G:
                self.chunk(OUT_SINK, 0, 0)  # pong
            return
        # OUT_SINK: the server writes; the only message is the registration result
        if flags & G:
            self.chunk(OUT_STREAM, 0, 0)  # pong
        if flags & P:
            if total is not None:
                self.top_partial = [total, bytearray()]
            if self.top_partial is not None:
                self.top_partial[1] += data
                if len(self.top_partial[1]) < self.top_partial[0]:
                    return
                data, self.top_partial = bytes(self.top_partial[1]), None
            self.chunk(OUT_STREAM, 0, C, credit=len(data))
            if not self.registered:
                if data[:1] == b"\x00":
                    self.registered = True
                    log("registered as %s" % self.name.decode())
                else:
                    raise SystemExit("the bus refused the registration: %s" % data.hex())

    def incoming(self, cid, opening):
        initiator = opening[2:2 + opening[1]].decode("utf-8", "replace") if len(opening) >= 2 else ""
        ch = Channel(cid, initiator)
        self.channels[cid] = ch
        self.chunk(IN_SINK, cid, P, data=b"")          # accept (minbus.md 8.5)
        self.chunk(IN_STREAM, cid, C, credit=WINDOW)  # credit for what the initiator sends
        ch.granted = WINDOW

    def on_channel(self, ch, kind, flags, data, credit, end, total):
        if kind == OUT_STREAM:  # about the half we write
            if flags & C and not ch.write_ended:
                ch.credit += credit
            if flags & G and not ch.write_ended:
                self.chunk(IN_SINK, ch.id, 0)  # pong
            if flags & E:  # the reader cancelled: ack, drop what is queued
                if not ch.write_ended:
                    ch.write_ended = True
                    ch.outbox.clear()
                    self.chunk(IN_SINK, ch.id, A)
            if flags & A:
                ch.write_ended = True
            if not ch.write_ended:
                self.flush(ch)
            self.forget_if_done(ch)
            return
        # OUT_SINK: about the half we read
        if flags & G and not ch.read_ended:
            self.chunk(IN_STREAM, ch.id, 0)  # pong
        if flags & P:
            ch.granted -= len(data)
            if total is not None:
                ch.partial = [total, bytearray()]
            if ch.partial is not None:
                ch.partial[1] += data
                if len(ch.partial[1]) >= ch.partial[0]:
                    message, ch.partial = bytes(ch.partial[1]), None
                    self.message(ch, message)
            else:
                self.message(ch, data)
            if not ch.read_ended and ch.granted < WINDOW // 2:
                self.chunk(IN_STREAM, ch.id, C, credit=WINDOW - ch.granted)
                ch.granted = WINDOW
        if flags & E:  # the writer closed: ack, and close our half once the echo is out
            ch.partial = None
            if not ch.read_ended:
                ch.read_ended = True
                self.chunk(IN_STREAM, ch.id, A)
            if ch.role == "control":
                log("the host's control channel ended; exiting")
                sys.exit(0)
            ch.close_after_flush = True
            self.flush(ch)
        if flags & A:
            ch.read_ended = True
        self.forget_if_done(ch)

    def message(self, ch, message):
        if ch.role == "new" and message.startswith(CHALLENGE_PREFIX) and ch.initiator == "":
            # the launch handshake (docs/host.md section 8)
            proof = hmac.new(self.secret, message, hashlib.sha256).hexdigest().encode("ascii")
            ch.role = "challenged"
            self.write(ch, PROOF_PREFIX + proof)
            return
        if ch.role == "challenged":
            if message == b"MINBUS-OK":
                ch.role = "control"
                log("the host accepted the launch proof")
                return
            raise SystemExit("the host rejected the launch proof: %s" % message.decode("ascii", "replace"))
        if ch.role == "control":
            if message == b"MINBUS-STOP":
                log("the host asked us to stop")
                self.chunk(OUT_SINK, 0, P, data=b"")  # disconnection (minbus.md 5); costs no credit
                sys.exit(0)
            return
        ch.role = "echo"
        self.write(ch, message)


EXIT_CONNECTION_LOST = 75  # EX_TEMPFAIL: the bus went away or is not there yet


def main():
    env = os.environ
    if not env.get("MINBUS_PLUGIN_SECRET"):
        print(NOT_LAUNCHED, file=sys.stderr)
        return 2
    for var in ("MINBUS_ADDRESS", "MINBUS_PLUGIN_NAME", "MINBUS_PROTOCOL_VERSIONS"):
        if not env.get(var):
            print(NOT_LAUNCHED + " (Its environment is incomplete: %s is not set.)" % var, file=sys.stderr)
            return 2
    offered = sorted(int(v) for v in env["MINBUS_PROTOCOL_VERSIONS"].split(","))
    common = [v for v in SUPPORTED_VERSIONS if v in offered]
    if not common:
        print("minbus plugin %s: no common minbus protocol version: the host offers %s, the plugin supports %s;"
              " upgrade whichever side is older" % (env["MINBUS_PLUGIN_NAME"], ",".join(map(str, offered)),
                                                    ",".join(map(str, SUPPORTED_VERSIONS))), file=sys.stderr)
        return 3
    # stdin reads end-of-file when the host stops us or dies (docs/host.md 6)
    lifeline = env.get("MINBUS_STDIN", "closed") == "closed"
    try:
        Plugin(env, lifeline).run()
    except EOFError as e:
        log(str(e))
        # On a socket the end of the bus stream means the bus is gone: 75 (EX_TEMPFAIL, as the Java SDK)
        # lets an on-failure restart policy bring us back once it is up again (docs/host.md 5.1). In
        # pipe mode the host ending our stdin is its way of stopping us: a normal exit.
        return 0 if env["MINBUS_ADDRESS"] == "pipe:stdio" else EXIT_CONNECTION_LOST
    except OSError as e:
        log("the bus at %s is not reachable: %s; exiting with status 75 (try again later)"
            % (env["MINBUS_ADDRESS"], e))
        return EXIT_CONNECTION_LOST
    return 0


if __name__ == "__main__":
    sys.exit(main())
