/*
 * A minbus echo plugin in C, written from docs/protocol.md, docs/minbus.md and docs/host.md alone.
 *
 * Launched by a minbus host, it connects back to MINBUS_ADDRESS, registers MINBUS_PLUGIN_NAME
 * (version 1), answers the host's launch challenge (HMAC-SHA256 over MINBUS_PLUGIN_SECRET) and then
 * echoes every message on every channel opened to it, until the host sends MINBUS-STOP.
 *
 *   cc -O2 -o c-echo echo.c            (libc only; add -static for the fastest start)
 *
 * One thread, blocking I/O: the session is read chunk by chunk; what a chunk makes us send is
 * appended to one output buffer that is written out, in one write, before the next blocking read.
 * Echoes stream: a message is sent back fragment by fragment as it arrives (a partial payload with
 * the same total), so memory stays within the credit we grant, whatever the message size.
 *
 * Exit status: 0 when the host asks us to stop (MINBUS-STOP, or the stdin lifeline ends), 2 when run
 * by hand, 3 when no protocol version is shared, 75 when the bus cannot be reached or goes away (or
 * the host's control channel ends without MINBUS-STOP), 1 on any other failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define NOT_LAUNCHED "This is a minbus plugin; it is started by a minbus host (e.g. `minbus launch PATH`), not directly."
#define EXIT_FAILED 1
#define EXIT_NOT_LAUNCHED 2
#define EXIT_VERSION_MISMATCH 3
#define EXIT_CONNECTION_LOST 75 /* EX_TEMPFAIL: the host's restart policy brings us back later */

#define PLUGIN_VERSION 1
/* our preamble's limits (protocol.md 3, 10): they bind the bus */
#define MAX_FRAME 65536u
#define MAX_MESSAGE 67108864u
#define MAX_ENTITIES 4096u
#define WINDOW 65536u          /* credit we keep granted per half we read */
#define TOP_WINDOW 4096u       /* credit for the bus's top-level messages (the registration result) */
#define MAX_CHUNK 65536u       /* the largest data chunk we send (protocol.md 13) */
#define PING_AFTER_S 10        /* minbus.md 11: ping an idle bus, give up 30 s later */
#define PONG_TIMEOUT_S 30

enum { OUT_REQUEST, IN_REQUEST, OUT_SINK, IN_SINK, OUT_STREAM, IN_STREAM, DUPLEX, PARTIAL };
enum { P = 0x10, C = 0x08, G = 0x04, E = 0x02, A = 0x01 };

static const char CHALLENGE[] = "MINBUS-CHALLENGE "; /* + 64 lower-case hex digits (host.md 8.1) */
#define CHALLENGE_LEN (sizeof CHALLENGE - 1 + 64)

/* ---------------------------------------------------------------- small helpers */

static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("[c-echo] ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

#define die(status, ...) (say(__VA_ARGS__), exit(status))

struct buf {
  unsigned char *p;
  size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    if (!(b->p = realloc(b->p, cap))) die(EXIT_FAILED, "out of memory");
    b->cap = cap;
  }
}

static void buf_put(struct buf *b, const void *d, size_t n) {
  buf_reserve(b, n);
  if (n) memcpy(b->p + b->len, d, n);
  b->len += n;
}

static void buf_drop_front(struct buf *b, size_t n) {
  memmove(b->p, b->p + n, b->len - n);
  b->len -= n;
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

static time_t now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec;
}

/* ---------------------------------------------------------------- SHA-256 and HMAC (FIPS 180-4, RFC 2104) */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

struct sha256 {
  uint32_t h[8];
  unsigned char block[64];
  size_t used;
  uint64_t total;
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct sha256 *s, const unsigned char *b) {
  uint32_t w[64], v[8];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)b[4 * i] << 24 | b[4 * i + 1] << 16 | b[4 * i + 2] << 8 | b[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  memcpy(v, s->h, sizeof v);
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) + K256[i] + w[i];
    uint32_t t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
    memmove(v + 1, v, 7 * sizeof v[0]);
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; i++) s->h[i] += v[i];
}

static void sha256_init(struct sha256 *s) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, h0, sizeof h0);
  s->used = 0;
  s->total = 0;
}

static void sha256_update(struct sha256 *s, const void *data, size_t n) {
  const unsigned char *d = data;
  s->total += n;
  while (n--) {
    s->block[s->used++] = *d++;
    if (s->used == 64) {
      sha256_block(s, s->block);
      s->used = 0;
    }
  }
}

static void sha256_final(struct sha256 *s, unsigned char out[32]) {
  uint64_t bits = s->total * 8;
  unsigned char pad = 0x80, zero = 0, len[8];
  sha256_update(s, &pad, 1);
  while (s->used != 56) sha256_update(s, &zero, 1);
  for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
  sha256_update(s, len, 8);
  for (int i = 0; i < 32; i++) out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void hmac_sha256(const unsigned char key[32], const void *msg, size_t n, unsigned char out[32]) {
  unsigned char pad[64];
  struct sha256 s;
  for (int round = 0; round < 2; round++) { /* inner hash, then outer hash over it */
    memset(pad, round ? 0x5c : 0x36, sizeof pad);
    for (int i = 0; i < 32; i++) pad[i] ^= key[i];
    sha256_init(&s);
    sha256_update(&s, pad, sizeof pad);
    sha256_update(&s, round ? out : msg, round ? 32 : n);
    sha256_final(&s, out);
  }
}

static int unhex(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void tohex(const unsigned char *b, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = "0123456789abcdef"[b[i] >> 4];
    out[2 * i + 1] = "0123456789abcdef"[b[i] & 15];
  }
}

/* ---------------------------------------------------------------- the byte stream */

static int bus_in = -1, bus_out = -1;
static int lifeline = 0;          /* watch stdin for the host's death (host.md 6) */
static int pipe_mode = 0;         /* the session runs on stdin/stdout (host.md 14) */
static struct buf in, out;        /* in.p[in_pos..in.len) is unread input; out is queued output */
static size_t in_pos;
static time_t last_rx;
static int ping_out = 0;

static void flush_out(void) {
  size_t done = 0;
  while (done < out.len) {
    ssize_t n = write(bus_out, out.p + done, out.len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (pipe_mode) die(0, "the session on stdin/stdout ended (%s); exiting", strerror(errno));
      die(EXIT_CONNECTION_LOST, "lost the bus connection (%s); exiting with status 75", strerror(errno));
    }
    done += (size_t)n;
  }
  out.len = 0;
}

static void chunk(int kind, uint64_t id, int flags, const void *data, size_t n, uint64_t credit);

/* Makes at least `need` unread bytes available, reading (and first writing what is queued) as needed. */
static void fill(size_t need) {
  while (in.len - in_pos < need) {
    if (in_pos) {
      buf_drop_front(&in, in_pos);
      in_pos = 0;
    }
    flush_out();
    struct pollfd pf[2] = {{bus_in, POLLIN, 0}, {lifeline ? 0 : -1, POLLIN, 0}};
    long wait_s = PING_AFTER_S + (ping_out ? PONG_TIMEOUT_S : 0) - (long)(now_s() - last_rx);
    int r = poll(pf, 2, wait_s > 0 ? (int)wait_s * 1000 : 0);
    if (r < 0 && errno != EINTR) die(EXIT_FAILED, "poll: %s", strerror(errno));
    if (r <= 0) {
      if (now_s() - last_rx >= PING_AFTER_S + (ping_out ? PONG_TIMEOUT_S : 0)) {
        if (ping_out) die(EXIT_CONNECTION_LOST, "the bus did not answer a ping for %d s; exiting with status 75", PONG_TIMEOUT_S);
        chunk(OUT_STREAM, 0, G, NULL, 0, 0); /* a ping on the top-level half the bus writes */
        ping_out = 1;
      }
      continue;
    }
    if (pf[1].revents) {
      char scratch[512];
      if (read(0, scratch, sizeof scratch) <= 0) die(0, "the host is gone (stdin closed); exiting");
    }
    if (!pf[0].revents) continue;
    buf_reserve(&in, 65536); /* room to read into */
    ssize_t n = read(bus_in, in.p + in.len, in.cap - in.len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (pipe_mode) die(0, "the session on stdin/stdout ended; exiting");
      die(EXIT_CONNECTION_LOST, "the bus closed the connection%s%s; exiting with status 75", n ? ": " : "", n ? strerror(errno) : "");
    }
    in.len += (size_t)n;
    last_rx = now_s();
    ping_out = 0; /* whatever arrives shows the bus is alive */
  }
}

static void violation(const char *rule) { die(EXIT_FAILED, "protocol violation by the bus: %s (docs/protocol.md 11); exiting", rule); }

/* Reads a canonical VarU64 (protocol.md 2) at unread offset *at, advancing *at. */
static uint64_t get_varu64(size_t *at) {
  fill(*at + 1);
  unsigned b = in.p[in_pos + (*at)++];
  if (b <= 247) return b;
  unsigned n = b - 247;
  fill(*at + n);
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v = v << 8 | in.p[in_pos + (*at)++];
  if (v < 248 || (n > 1 && v >> (8 * (n - 1)) == 0)) violation("NON_CANONICAL_VARU64");
  return v;
}

static void put_varu64(struct buf *b, uint64_t v) {
  unsigned char tmp[9];
  int n = 0;
  if (v <= 247) {
    tmp[n++] = (unsigned char)v;
  } else {
    int len = 0;
    for (uint64_t x = v; x; x >>= 8) len++;
    tmp[n++] = (unsigned char)(247 + len);
    while (len--) tmp[n++] = (unsigned char)(v >> (8 * len));
  }
  buf_put(b, tmp, n);
}

/* Queues one chunk (protocol.md 5): tag | id | [payload if P] | [credit if C] | [end payload if E].
 * `data` is the payload for P, or the end payload for E (we never send both in one chunk). */
static void chunk(int kind, uint64_t id, int flags, const void *data, size_t n, uint64_t credit) {
  unsigned char tag = (unsigned char)(kind << 5 | flags);
  buf_put(&out, &tag, 1);
  put_varu64(&out, id);
  if (flags & P) put_varu64(&out, n), buf_put(&out, data, n);
  if (flags & C) put_varu64(&out, credit);
  if (flags & E) put_varu64(&out, n), buf_put(&out, data, n);
}

/* ---------------------------------------------------------------- channels (minbus.md 8.4, 8.5) */

enum role {
  AWAIT_CHALLENGE, /* the host's nameless connection, before MINBUS-OK: the first message must be the challenge */
  READ_CHALLENGE,  /* an 81-byte first message is arriving */
  AWAIT_VERDICT,   /* proof sent, waiting for MINBUS-OK */
  CONTROL,         /* the host's control channel: MINBUS-STOP */
  ECHO,
  ENDED            /* denied or closed by us; waiting for the bus's final chunks */
};

struct msg {
  uint64_t total, sent;
  int started; /* its Partial chunk was sent */
};

struct chan {
  uint64_t id;
  enum role role;
  /* the half we read */
  int rd_sent_final, rd_got_final;
  uint64_t granted;   /* credit the bus still holds on it */
  uint64_t remaining; /* bytes still to come of the message being received */
  unsigned char small[256];
  size_t small_len;   /* a control message being received (longer ones are cut) */
  /* the half we write */
  int wr_sent_final, wr_got_final;
  uint64_t credit;    /* what we may still send */
  struct buf q;       /* bytes to send: the data of msgs[0], msgs[1], ... in order */
  struct msg *msgs;
  size_t nmsgs, capmsgs;
  int close_after_flush;
};

static struct chan **chans;
static size_t nchans;
static uint64_t peer_max_frame = 1024, peer_max_message = 1024;
static int verified = 0;      /* MINBUS-OK received: serve everyone */
static int proof_pending = 0; /* a proof is out: nameless channels arriving meanwhile are held, not closed */
static unsigned char secret[32];

static struct chan *find(uint64_t id) {
  for (size_t i = 0; i < nchans; i++)
    if (chans[i]->id == id) return chans[i];
  return NULL;
}

static void forget_if_done(struct chan *ch) {
  if (!(ch->rd_sent_final && ch->rd_got_final && ch->wr_sent_final && ch->wr_got_final)) return;
  for (size_t i = 0; i < nchans; i++)
    if (chans[i] == ch) chans[i] = chans[--nchans];
  free(ch->q.p);
  free(ch->msgs);
  free(ch);
}

/* Grants credit on the half we read when the grant is at least what the bus still holds (protocol.md
 * 13); queued echo bytes count as used, so a slow reader of our echoes slows the writer down. */
static void grant(struct chan *ch) {
  if (ch->rd_sent_final) return;
  uint64_t used = ch->granted + ch->q.len;
  uint64_t room = used < WINDOW ? WINDOW - used : 0;
  if (room && room >= ch->granted) {
    chunk(IN_STREAM, ch->id, C, NULL, 0, room);
    ch->granted += room;
  }
}

static void push_msg(struct chan *ch, uint64_t total) {
  if (ch->nmsgs == ch->capmsgs) {
    ch->capmsgs = ch->capmsgs ? 2 * ch->capmsgs : 4;
    if (!(ch->msgs = realloc(ch->msgs, ch->capmsgs * sizeof *ch->msgs))) die(EXIT_FAILED, "out of memory");
  }
  ch->msgs[ch->nmsgs++] = (struct msg){total, 0, 0};
}

static void pop_msg(struct chan *ch) { memmove(ch->msgs, ch->msgs + 1, --ch->nmsgs * sizeof *ch->msgs); }

/* Ends both halves (close and cancel, empty payloads): a denial, or giving up on a channel. */
static void end_both(struct chan *ch) {
  if (!ch->wr_sent_final) chunk(IN_SINK, ch->id, E, "", 0, 0), ch->wr_sent_final = 1;
  if (!ch->rd_sent_final) chunk(IN_STREAM, ch->id, E, "", 0, 0), ch->rd_sent_final = 1;
  ch->role = ENDED;
  ch->q.len = 0;
  ch->nmsgs = 0;
}

/* Sends what credit allows on the half we write: whole messages when they fit, else a Partial chunk
 * and fragments (protocol.md 9); then the close, if asked for and everything is out. */
static void flush(struct chan *ch) {
  if (ch->wr_sent_final || (ch->role == ECHO && !verified)) return; /* echoes wait for MINBUS-OK */
  while (ch->nmsgs) {
    struct msg *m = &ch->msgs[0];
    uint64_t avail = min64(ch->q.len, m->total - m->sent);
    if (!m->started && avail == m->total && m->total <= ch->credit && m->total <= peer_max_frame) {
      chunk(IN_SINK, ch->id, P, ch->q.p, m->total, 0);
    } else {
      uint64_t n = min64(min64(avail, ch->credit), min64(peer_max_frame, MAX_CHUNK));
      if (n == 0) break;
      if (!m->started) {
        unsigned char hdr[9];
        int len = 0;
        for (uint64_t x = m->total; x; x >>= 8) len++;
        hdr[0] = (unsigned char)(0xe0 | (len - 1));
        for (int i = 0; i < len; i++) hdr[1 + i] = (unsigned char)(m->total >> (8 * (len - 1 - i)));
        buf_put(&out, hdr, 1 + len);
        m->started = 1;
      }
      chunk(IN_SINK, ch->id, P, ch->q.p, n, 0);
      avail = n;
    }
    ch->credit -= avail;
    m->sent += avail;
    buf_drop_front(&ch->q, avail);
    if (m->sent == m->total) pop_msg(ch);
  }
  if (!ch->nmsgs && ch->close_after_flush) {
    chunk(IN_SINK, ch->id, E, "", 0, 0);
    ch->wr_sent_final = 1;
  }
  grant(ch);
}

static void send_message(struct chan *ch, const void *data, size_t n) {
  push_msg(ch, n);
  buf_put(&ch->q, data, n);
  flush(ch);
}

static int top_wr_final; /* the bus cancelled the top-level half we write, and we acked it */

static void disconnect_and_exit(int status) {
  if (!top_wr_final) chunk(OUT_SINK, 0, P, "", 0, 0); /* the disconnection message (minbus.md 5); it costs no credit */
  flush_out();
  exit(status);
}

/* A complete short message on a handshake or control channel (host.md 8.1, 8.2). */
static void on_small(struct chan *ch) {
  const char *m = (const char *)ch->small;
  size_t n = ch->small_len;
  if (ch->role == READ_CHALLENGE) {
    int ok = memcmp(m, CHALLENGE, sizeof CHALLENGE - 1) == 0;
    for (size_t i = sizeof CHALLENGE - 1; ok && i < n; i++) ok = unhex(m[i]) >= 0 && !(m[i] >= 'A' && m[i] <= 'F');
    if (!ok && (verified || proof_pending)) { /* not the host: an ordinary message, echoed */
      ch->role = ECHO;
      send_message(ch, m, n);
      return;
    }
    if (!ok) {
      end_both(ch); /* not the host's challenge */
      return;
    }
    unsigned char mac[32];
    char proof[13 + 64];
    hmac_sha256(secret, m, n, mac);
    memcpy(proof, "MINBUS-PROOF ", 13);
    tohex(mac, 32, proof + 13);
    ch->role = AWAIT_VERDICT;
    proof_pending = 1;
    send_message(ch, proof, sizeof proof);
  } else if (ch->role == AWAIT_VERDICT) {
    if (n == 9 && memcmp(m, "MINBUS-OK", 9) == 0) {
      say("the host accepted the launch proof");
      ch->role = CONTROL;
      verified = 1;
      proof_pending = 0;
      for (size_t i = 0; i < nchans; i++) flush(chans[i]); /* echoes held back until now */
    } else {
      die(EXIT_FAILED, "the host rejected the launch proof: %.*s", (int)n, m);
    }
  } else if (ch->role == CONTROL && n == 11 && memcmp(m, "MINBUS-STOP", 11) == 0) {
    say("the host asked us to stop");
    disconnect_and_exit(0);
  } /* other control messages are ignored */
}

/* The first bytes of a new message on the half we read: decides what the message is for. */
static void begin_message(struct chan *ch, uint64_t total) {
  ch->small_len = 0;
  if (ch->role == AWAIT_CHALLENGE) {
    if (verified) ch->role = ECHO;                   /* accepted just before MINBUS-OK came */
    else if (total == CHALLENGE_LEN) ch->role = READ_CHALLENGE;
    else if (proof_pending) ch->role = ECHO;         /* a caller racing our MINBUS-OK: held until it comes */
    else end_both(ch);                               /* host.md 8.1: not a challenge, close it */
  }
  if (ch->role == ECHO && !ch->wr_sent_final) {
    if (total > peer_max_message) { /* cannot be sent back within the bus's limits */
      say("a %llu-byte message is larger than the bus accepts; closing that channel", (unsigned long long)total);
      end_both(ch);
      return;
    }
    push_msg(ch, total);
  }
}

static void on_data(struct chan *ch, const unsigned char *d, uint64_t n, uint64_t partial) {
  if (n > ch->granted) violation("CREDIT_EXCEEDED");
  ch->granted -= n;
  if (partial && ch->remaining) violation("PARTIAL_TARGET");
  int first = ch->remaining == 0;
  if (first) ch->remaining = partial ? partial : n;
  if (n > ch->remaining) violation("PARTIAL_OVERRUN");
  ch->remaining -= n;
  if (ch->rd_sent_final) return; /* after our cancel: credit-checked, then discarded (protocol.md 7.2) */
  if (first) begin_message(ch, partial ? partial : n);
  if (ch->role == ECHO) {
    if (!ch->wr_sent_final) { /* after the initiator cancelled our half there is nowhere to echo to */
      buf_put(&ch->q, d, n);
      flush(ch);
    }
  } else if (ch->role != ENDED) {
    size_t room = sizeof ch->small - ch->small_len;
    memcpy(ch->small + ch->small_len, d, n < room ? n : room);
    ch->small_len += n < room ? n : room;
    if (ch->remaining == 0) on_small(ch);
  }
  grant(ch);
}

/* The bus closed the half we read (the initiator closed its half, or went away). from_bus: the end
 * payload is the bus's own (first byte 01, minbus.md 9.4): the other plugin went away or the bus shuts down. */
static void on_close(struct chan *ch, int from_bus) {
  if (!ch->rd_sent_final) chunk(IN_STREAM, ch->id, A, NULL, 0, 0), ch->rd_sent_final = 1;
  ch->rd_got_final = 1;
  if (ch->remaining && ch->role == ECHO && ch->nmsgs) { /* a message cut short: it is aborted (protocol.md 9) */
    struct msg *last = &ch->msgs[ch->nmsgs - 1];
    if (last->started) {
      end_both(ch); /* our close aborts our copy of it too */
    } else {
      ch->q.len -= (last->total - ch->remaining) - last->sent;
      ch->nmsgs--;
    }
  }
  ch->remaining = 0;
  if (ch->role == CONTROL) die(EXIT_CONNECTION_LOST, "the host's control channel ended without MINBUS-STOP; exiting with status 75");
  if (ch->role == AWAIT_VERDICT && from_bus)
    die(EXIT_CONNECTION_LOST, "the handshake channel broke before the host's verdict (the bus or the host went away); exiting with status 75");
  if (ch->role == AWAIT_VERDICT) die(EXIT_FAILED, "the host closed the handshake channel without a verdict");
  ch->close_after_flush = 1; /* close our half once every echo is out */
  flush(ch);
}

/* A duplex the bus opened to us: an incoming connection (minbus.md 8.4). */
static void incoming(uint64_t id, const unsigned char *open, uint64_t n) {
  struct chan *ch = calloc(1, sizeof *ch);
  if (!ch) die(EXIT_FAILED, "out of memory");
  ch->id = id;
  if (!(chans = realloc(chans, (nchans + 1) * sizeof *chans))) die(EXIT_FAILED, "out of memory");
  chans[nchans++] = ch;
  int nameless = n >= 2 && open[1] == 0;
  if (n < 4 || open[0] != 0 || n < 4u + open[1]) {
    end_both(ch); /* not an incoming connection we understand (minbus.md 12) */
  } else if (verified) {
    ch->role = ECHO;
  } else if (nameless) {
    ch->role = AWAIT_CHALLENGE; /* the host's control connection is nameless */
  } else {
    end_both(ch); /* host.md 8.1: named initiators are denied until MINBUS-OK */
    return;
  }
  if (ch->role != ENDED) {
    chunk(IN_SINK, id, P, "", 0, 0); /* accept: a zero-length message (minbus.md 8.5) */
    grant(ch);
  }
}

/* ---------------------------------------------------------------- the top level (minbus.md 3, 4) */

static uint64_t top_credit, top_granted, top_remaining;
static int top_rd_final; /* the bus closed the top-level half we read, and we acked it */
static struct buf registration; /* queued until the bus's top-level credit covers it */
static int registered;
static unsigned char result[2];
static size_t result_len;
static const char *name;

static const char *refusal(unsigned code) {
  static const char *names[] = {"REFUSED", "NO_SUCH_PLUGIN", "VERSION_TOO_LOW", "MALFORMED", "NAME_TAKEN",
                                "PROCESS_NAME_LIMIT", "REGISTRATION_TIMEOUT", "RELAY_LIMIT", "TARGET_RELAY_LIMIT",
                                "MESSAGE_TOO_LARGE", "WATCH_BACKLOG", "SHUTDOWN", "NOT_PERMITTED"};
  return code < sizeof names / sizeof *names ? names[code] : "REFUSED";
}

/* A data chunk on the top-level half the bus writes: its only message is the registration result. */
static void top_data(const unsigned char *d, uint64_t n, uint64_t partial) {
  if (n > top_granted) violation("CREDIT_EXCEEDED");
  top_granted -= n;
  if (partial && top_remaining) violation("PARTIAL_TARGET");
  if (top_remaining == 0) top_remaining = partial ? partial : n, result_len = 0;
  if (n > top_remaining) violation("PARTIAL_OVERRUN");
  top_remaining -= n;
  for (uint64_t i = 0; i < n && result_len < sizeof result; i++) result[result_len++] = d[i];
  if (top_granted < TOP_WINDOW / 2) { /* refill (protocol.md 13) */
    chunk(OUT_STREAM, 0, C, NULL, 0, TOP_WINDOW - top_granted);
    top_granted = TOP_WINDOW;
  }
  if (top_remaining || registered) return; /* later top-level messages are ignored (minbus.md 3) */
  if (result_len >= 1 && result[0] == 0) {
    registered = 1;
    say("registered as %s", name);
  } else {
    die(EXIT_FAILED, "the bus refused the registration of '%s': %s", name,
        result_len == 2 ? refusal(result[1]) : result_len == 1 && result[0] == 1 ? "REFUSED" : "malformed result");
  }
}

static void top_level(int kind, int flags, const unsigned char *d, uint64_t n, uint64_t credit, uint64_t partial) {
  if (kind == OUT_STREAM) { /* about the half we write */
    if (top_wr_final) return;
    if (flags & C) top_credit += credit;
    if (flags & G) chunk(OUT_SINK, 0, 0, NULL, 0, 0); /* pong */
    if (flags & E) chunk(OUT_SINK, 0, A, NULL, 0, 0), top_wr_final = 1;
    if (!top_wr_final && registration.len && registration.len <= top_credit) {
      chunk(OUT_SINK, 0, P, registration.p, registration.len, 0);
      top_credit -= registration.len;
      registration.len = 0;
    }
    return;
  }
  /* OUT_SINK: the half the bus writes and we read; fields in layout order (protocol.md 7) */
  if (top_rd_final) return;
  if (flags & G) chunk(OUT_STREAM, 0, 0, NULL, 0, 0); /* pong */
  if (flags & P) top_data(d, n, partial);
  if (flags & E) chunk(OUT_STREAM, 0, A, NULL, 0, 0), top_rd_final = 1;
}

/* ---------------------------------------------------------------- reading chunks */

static void run(void) {
  uint64_t partial = 0; /* the total announced by a Partial chunk, for the next chunk */
  for (;;) {
    size_t at = 0;
    fill(1);
    unsigned tag = in.p[in_pos];
    at = 1;
    if (tag >> 5 == PARTIAL) {
      if (partial) violation("PARTIAL_TARGET");
      if (tag & 0x18) violation("RESERVED_BITS");
      size_t len = (tag & 7) + 1;
      fill(1 + len);
      if (in.p[in_pos + 1] == 0) violation(len == 1 ? "PARTIAL_ZERO" : "PARTIAL_NON_CANONICAL");
      for (size_t i = 0; i < len; i++) partial = partial << 8 | in.p[in_pos + 1 + i];
      if (partial > MAX_MESSAGE) violation("PARTIAL_TOO_LARGE");
      in_pos += 1 + len;
      continue;
    }
    int kind = tag >> 5, flags = tag & 0x1f;
    uint64_t id = get_varu64(&at), n = 0, credit = 0, en = 0;
    size_t data_at = 0, end_at = 0;
    if (flags & P) {
      if ((n = get_varu64(&at)) > MAX_FRAME) violation("FRAME_TOO_LARGE");
      data_at = at;
      at += n;
    }
    if (flags & C) credit = get_varu64(&at);
    if (flags & E) {
      if ((en = get_varu64(&at)) > MAX_FRAME) violation("FRAME_TOO_LARGE");
      end_at = at;
      at += en;
    }
    fill(at); /* the whole chunk is in the buffer now: pointers into it stay valid below */
    const unsigned char *data = in.p + in_pos + data_at;
    uint64_t announced = partial;
    partial = 0;
    if (announced && (!(flags & P) || kind != OUT_SINK)) violation("PARTIAL_TARGET");

    if (id == 0 && (kind == OUT_SINK || kind == OUT_STREAM)) {
      top_level(kind, flags, data, n, credit, announced);
    } else if (kind == DUPLEX) {
      if (!(flags & P)) violation("CREATE_WITHOUT_PAYLOAD");
      if (find(id)) violation("ID_IN_USE");
      incoming(id, data, n);
    } else if (kind == OUT_REQUEST) {
      /* a request from the bus: only visibility questions exist, and we declared none (minbus.md 18.7);
       * unexpected, so refuse it (12). Its later chunks need nothing from us. */
      if (flags & P) chunk(IN_REQUEST, id, E, "", 0, 0);
    } else if (kind == OUT_SINK || kind == OUT_STREAM) {
      struct chan *ch = find(id);
      if (!ch) {
        /* the bus never opens sinks or streams to a plugin: nothing of ours to answer */
      } else if (kind == OUT_SINK) { /* the half the bus writes and we read */
        if ((flags & G) && !ch->rd_sent_final) chunk(IN_STREAM, id, 0, NULL, 0, 0); /* pong */
        if (flags & P) on_data(ch, data, n, announced);
        if (flags & E) on_close(ch, en > 0 && in.p[in_pos + end_at] == 1);
        if (flags & A) ch->rd_got_final = 1;
        forget_if_done(ch);
      } else { /* OUT_STREAM: the half we write and the bus reads */
        if ((flags & C) && !ch->wr_sent_final) ch->credit += credit;
        if ((flags & G) && !ch->wr_sent_final) chunk(IN_SINK, id, 0, NULL, 0, 0); /* pong */
        if (flags & E) { /* cancelled: ack unless our close crossed it, drop what is queued */
          if (!ch->wr_sent_final) chunk(IN_SINK, id, A, NULL, 0, 0), ch->wr_sent_final = 1;
          ch->wr_got_final = 1;
          ch->q.len = 0;
          ch->nmsgs = 0;
          grant(ch);
        }
        if (flags & A) ch->wr_got_final = 1;
        flush(ch);
        forget_if_done(ch);
      }
    } /* In-* chunks name entities we created: we create none, so the bus sends none */
    in_pos += at;
  }
}

/* ---------------------------------------------------------------- start-up */

static int connect_to(const char *address) {
  int fd = -1;
  if (strncmp(address, "unix:", 5) == 0) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(address + 5) >= sizeof sa.sun_path) die(EXIT_FAILED, "socket path too long: %s", address + 5);
    strcpy(sa.sun_path, address + 5);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) fd = -1;
  } else if (strncmp(address, "net:", 4) == 0) {
    char host[256];
    const char *colon = strrchr(address + 4, ':');
    if (!colon || (size_t)(colon - address - 4) >= sizeof host) die(EXIT_FAILED, "MINBUS_ADDRESS=%s: no port", address);
    memcpy(host, address + 4, colon - address - 4);
    host[colon - address - 4] = 0;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai, *a;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) return -1;
    for (a = ai; a && fd < 0; a = a->ai_next)
      if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol)) >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0)
        close(fd), fd = -1;
    freeaddrinfo(ai);
  } else {
    die(EXIT_FAILED, "MINBUS_ADDRESS=%s is not an address this plugin understands (unix:PATH, net:HOST:PORT, pipe:stdio)", address);
  }
  return fd;
}

int main(void) {
  const char *secret_hex = getenv("MINBUS_PLUGIN_SECRET"), *address = getenv("MINBUS_ADDRESS");
  const char *versions = getenv("MINBUS_PROTOCOL_VERSIONS"), *stdin_mode = getenv("MINBUS_STDIN");
  name = getenv("MINBUS_PLUGIN_NAME");
  if (!secret_hex || !*secret_hex) {
    fprintf(stderr, "%s\n", NOT_LAUNCHED);
    return EXIT_NOT_LAUNCHED;
  }
  const char *missing = !address || !*address ? "MINBUS_ADDRESS" : !name || !*name ? "MINBUS_PLUGIN_NAME"
                        : !versions || !*versions ? "MINBUS_PROTOCOL_VERSIONS" : NULL;
  if (missing) {
    fprintf(stderr, "%s Its environment is incomplete: %s is not set.\n", NOT_LAUNCHED, missing);
    return EXIT_NOT_LAUNCHED;
  }
  if (strlen(secret_hex) != 64) die(EXIT_FAILED, "MINBUS_PLUGIN_SECRET is not 64 hex digits");
  for (int i = 0; i < 32; i++) {
    int hi = unhex(secret_hex[2 * i]), lo = unhex(secret_hex[2 * i + 1]);
    if (hi < 0 || lo < 0) die(EXIT_FAILED, "MINBUS_PLUGIN_SECRET is not 64 hex digits");
    secret[i] = (unsigned char)(hi << 4 | lo);
  }
  int common = 0; /* we speak protocol version 1 only */
  for (const char *v = versions; *v; v += strcspn(v, ",") + (v[strcspn(v, ",")] == ',')) common |= atoi(v) == 1;
  if (!common) {
    fprintf(stderr, "minbus plugin %s: no common minbus protocol version: the host offers %s, the plugin supports 1;"
                    " upgrade whichever side is older\n", name, versions);
    return EXIT_VERSION_MISMATCH;
  }
  size_t name_len = strlen(name);
  if (name_len > 255) die(EXIT_FAILED, "MINBUS_PLUGIN_NAME is longer than 255 bytes");
  signal(SIGPIPE, SIG_IGN); /* a closed bus shows as EPIPE from write */

  if (strcmp(address, "pipe:stdio") == 0) {
    pipe_mode = 1;
    bus_in = dup(0);
    bus_out = dup(1);
    dup2(2, 1); /* stdout carries the session; stray prints go to stderr */
  } else {
    if (strstr(address, "~shs:")) die(EXIT_FAILED, "MINBUS_ADDRESS=%s: secured addresses (~shs) are not supported by this example", address);
    if ((bus_in = bus_out = connect_to(address)) < 0)
      die(EXIT_CONNECTION_LOST, "the bus at %s is not reachable: %s; exiting with status 75 (try again later)", address, strerror(errno));
    lifeline = !stdin_mode || strcmp(stdin_mode, "closed") == 0; /* stdin ends when the host stops or dies */
  }
  last_rx = now_s();

  /* our preamble (protocol.md 3) and, right behind it, credit for the registration result (minbus.md 3) */
  static const unsigned char magic[] = {'m', 'i', 'n', 'b', 'u', 's', 1, 1};
  buf_put(&out, magic, sizeof magic);
  put_varu64(&out, MAX_FRAME);
  put_varu64(&out, MAX_MESSAGE);
  put_varu64(&out, MAX_ENTITIES);
  chunk(OUT_STREAM, 0, C, NULL, 0, TOP_WINDOW);
  top_granted = TOP_WINDOW;
  /* the registration (minbus.md 4.1), sent as soon as the bus grants top-level credit */
  unsigned char nl = (unsigned char)name_len, version[2] = {PLUGIN_VERSION >> 8, PLUGIN_VERSION & 0xff};
  buf_put(&registration, &nl, 1);
  buf_put(&registration, name, name_len);
  buf_put(&registration, version, 2);

  size_t at = 8;
  fill(8);
  if (memcmp(in.p, "minbus", 6) != 0) die(EXIT_FAILED, "%s is not a minbus bus (its first bytes are not \"minbus\")", address);
  if (in.p[6] > 1 || in.p[7] < 1 || in.p[6] > in.p[7])
    die(EXIT_FAILED, "minbus protocol 1 expected, the bus speaks %d to %d", in.p[6], in.p[7]);
  peer_max_frame = get_varu64(&at);
  peer_max_message = get_varu64(&at);
  get_varu64(&at); /* max_entities: we create no entities */
  if (peer_max_frame < 1024 || peer_max_message < peer_max_frame) violation("PREAMBLE_LIMITS");
  in_pos += at;
  run();
  return 0;
}
