/*
 * The limit, in C: minimal Unix-socket peers for the comparison benchmark (docs/benchmarks.md).
 *
 *   uds_bench echo  SOCKET           single-thread epoll server: echo ('E') and sink ('S') connections
 *   uds_bench relay LISTEN TARGET    single-thread epoll relay: each accepted connection is paired
 *                                    with a new connection to TARGET; bytes are copied both ways
 *                                    through a bounded buffer per direction (back-pressure: a full
 *                                    buffer stops reading its source); EOF is passed on as shutdown
 *   uds_bench client SOCKET          driver (see bench_common.h): rtt N 64 .. / bulk 1 65536 ..
 *
 * Connection protocol: the client's first byte picks the mode. 'E': every byte is echoed.
 * 'S': bytes are counted until EOF, then the 8-byte count (host order) is written back and the
 * connection closed. Round trips of one channel are strictly one at a time.
 */
#define _GNU_SOURCE
#include "bench_common.h"

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define RELAY_BUF (128 * 1024)
#define IO_BUF (256 * 1024)

static void set_nonblocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) die("fcntl");
}

static void set_blocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) die("fcntl");
}

static struct sockaddr_un unix_address(const char *path) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof a.sun_path) {
    fprintf(stderr, "socket path too long: %s\n", path);
    exit(2);
  }
  strcpy(a.sun_path, path);
  return a;
}

static int listen_unix(const char *path) {
  struct sockaddr_un a = unix_address(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  unlink(path);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  if (listen(fd, 4096) < 0) die("listen");
  return fd;
}

static int connect_unix(const char *path) {
  struct sockaddr_un a = unix_address(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int write_fully(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int read_fully(int fd, void *buf, size_t n) {
  char *p = buf;
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

/* Servers and relays also watch stdin when it is a pipe: the harness holds it open, so EOF means
 * the harness is gone (even after kill -9) and the process exits instead of lingering. */
static char stdin_marker;

static void watch_stdin(int ep) {
  struct stat st;
  if (fstat(STDIN_FILENO, &st) < 0 || !S_ISFIFO(st.st_mode)) return; /* started by hand: no watch */
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &stdin_marker};
  epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &ev);
}

static void on_stdin(void) {
  char b[256];
  ssize_t r = read(STDIN_FILENO, b, sizeof b);
  if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) exit(0);
}

/* ------------------------------------------------------------------ echo / sink server */

typedef struct {
  int fd;
  char mode; /* 0 until the first byte */
  uint64_t sunk;
  size_t pending_off, pending_len; /* echo bytes not yet written back */
  char *pending;
} server_conn_t;

static void server_close(int ep, server_conn_t *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->pending);
  free(c);
}

static _Noreturn void run_echo(const char *path) {
  int lfd = listen_unix(path);
  set_nonblocking(lfd);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  watch_stdin(ep);
  static char buf[IO_BUF];
  struct epoll_event events[256];
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      server_conn_t *c = events[i].data.ptr;
      if (events[i].data.ptr == &stdin_marker) {
        on_stdin();
        continue;
      }
      if (!c) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          c = calloc(1, sizeof *c);
          c->fd = fd;
          struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
        }
        continue;
      }
      if (c->pending_len > 0) { /* EPOLLOUT: flush the echo backlog first */
        ssize_t w = write(c->fd, c->pending + c->pending_off, c->pending_len);
        if (w < 0 && errno != EAGAIN) {
          server_close(ep, c);
          continue;
        }
        if (w > 0) {
          c->pending_off += (size_t)w;
          c->pending_len -= (size_t)w;
        }
        if (c->pending_len == 0) {
          struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
          epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &cev);
        }
        continue;
      }
      ssize_t r = read(c->fd, buf, sizeof buf);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) {
        if (r == 0 && c->mode == 'S') {
          set_blocking(c->fd);
          write_fully(c->fd, &c->sunk, sizeof c->sunk);
        }
        server_close(ep, c);
        continue;
      }
      char *data = buf;
      if (!c->mode) {
        c->mode = buf[0];
        data++;
        r--;
      }
      if (c->mode == 'S') {
        c->sunk += (uint64_t)r;
        continue;
      }
      ssize_t w = r > 0 ? write(c->fd, data, (size_t)r) : 0;
      if (w < 0 && errno != EAGAIN) {
        server_close(ep, c);
        continue;
      }
      if (w < 0) w = 0;
      if (w < r) { /* back-pressure: stop reading until the echo is written */
        c->pending = realloc(c->pending, (size_t)(r - w));
        memcpy(c->pending, data + w, (size_t)(r - w));
        c->pending_off = 0;
        c->pending_len = (size_t)(r - w);
        struct epoll_event cev = {.events = EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &cev);
      }
    }
  }
}

/* ------------------------------------------------------------------ relay */

typedef struct pair pair_t;
typedef struct {
  pair_t *pair;
  int fd;
  uint32_t interest;
} end_t;

typedef struct {
  char *buf;
  size_t off, len;
  bool eof;  /* source reached EOF */
  bool done; /* EOF passed on to the destination */
} direction_t;

struct pair {
  end_t a, b;           /* a: accepted client side, b: connection to the target */
  direction_t ab, ba;   /* a->b and b->a */
  bool closed;          /* freed after the current batch of events (later events may name it) */
  pair_t *next_closed;
};

static int relay_ep;

static void end_update(end_t *e, uint32_t want) {
  if (e->interest == want) return;
  struct epoll_event ev = {.events = want, .data.ptr = e};
  epoll_ctl(relay_ep, EPOLL_CTL_MOD, e->fd, &ev);
  e->interest = want;
}

/* Recomputes what each side waits for: read while its outgoing buffer is empty, write while its
 * incoming buffer has bytes. */
static void pair_update(pair_t *p) {
  uint32_t wa = 0, wb = 0;
  if (!p->ab.eof && p->ab.len == 0) wa |= EPOLLIN;
  if (p->ba.len > 0) wa |= EPOLLOUT;
  if (!p->ba.eof && p->ba.len == 0) wb |= EPOLLIN;
  if (p->ab.len > 0) wb |= EPOLLOUT;
  end_update(&p->a, wa);
  end_update(&p->b, wb);
}

static void pair_free(pair_t *p) {
  epoll_ctl(relay_ep, EPOLL_CTL_DEL, p->a.fd, NULL);
  epoll_ctl(relay_ep, EPOLL_CTL_DEL, p->b.fd, NULL);
  close(p->a.fd);
  close(p->b.fd);
  free(p->ab.buf);
  free(p->ba.buf);
  free(p);
}

/* Writes what the buffer holds (once); passes EOF on when the buffer is empty. -1: broken. */
static int pump_flush(int dst, direction_t *d) {
  if (d->len > 0) {
    ssize_t w = write(dst, d->buf + d->off, d->len);
    if (w < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    d->off += (size_t)w;
    d->len -= (size_t)w;
  }
  if (d->len == 0 && d->eof && !d->done) {
    shutdown(dst, SHUT_WR);
    d->done = true;
  }
  return 0;
}

/* One read from src into the (empty) buffer, then one write attempt to dst. -1: broken. */
static int pump_read(int src, int dst, direction_t *d) {
  ssize_t r = read(src, d->buf, RELAY_BUF);
  if (r < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
  if (r == 0) {
    d->eof = true;
  } else {
    d->off = 0;
    d->len = (size_t)r;
  }
  return pump_flush(dst, d);
}

static _Noreturn void run_relay(const char *listen_path, const char *target) {
  int lfd = listen_unix(listen_path);
  set_nonblocking(lfd);
  relay_ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(relay_ep, EPOLL_CTL_ADD, lfd, &ev);
  watch_stdin(relay_ep);
  struct epoll_event events[256];
  pair_t *closed = NULL;
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    int n = epoll_wait(relay_ep, events, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      end_t *e = events[i].data.ptr;
      if (events[i].data.ptr == &stdin_marker) {
        on_stdin();
        continue;
      }
      if (!e) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          int tfd = connect_unix(target);
          if (tfd < 0) {
            perror("relay connect");
            close(fd);
            continue;
          }
          set_nonblocking(tfd);
          pair_t *p = calloc(1, sizeof *p);
          p->ab.buf = malloc(RELAY_BUF);
          p->ba.buf = malloc(RELAY_BUF);
          p->a = (end_t){p, fd, EPOLLIN};
          p->b = (end_t){p, tfd, EPOLLIN};
          struct epoll_event ea = {.events = EPOLLIN, .data.ptr = &p->a};
          struct epoll_event eb = {.events = EPOLLIN, .data.ptr = &p->b};
          epoll_ctl(relay_ep, EPOLL_CTL_ADD, fd, &ea);
          epoll_ctl(relay_ep, EPOLL_CTL_ADD, tfd, &eb);
        }
        continue;
      }
      pair_t *p = e->pair;
      if (p->closed) continue;
      uint32_t evs = events[i].events;
      int broken = (evs & EPOLLERR) ? -1 : 0;
      end_t *other = e == &p->a ? &p->b : &p->a;
      direction_t *out = e == &p->a ? &p->ab : &p->ba; /* bytes read from e */
      direction_t *in = e == &p->a ? &p->ba : &p->ab;  /* bytes written to e */
      if ((evs & EPOLLOUT) && !broken) broken = pump_flush(e->fd, in);
      if ((evs & (EPOLLIN | EPOLLHUP)) && !broken && !out->eof && out->len == 0)
        broken = pump_read(e->fd, other->fd, out);
      if (broken || (p->ab.done && p->ba.done)) {
        p->closed = true;
        p->next_closed = closed;
        closed = p;
        continue;
      }
      pair_update(p);
    }
    while (closed) {
      pair_t *next = closed->next_closed;
      pair_free(closed);
      closed = next;
    }
  }
}

/* ------------------------------------------------------------------ client driver */

typedef struct {
  int fd;
  uint64_t sent_at;
  size_t got;
  bool done;
} lane_t;

static hist_t hist;

static void rtt_single(const char *path, int size, uint64_t warm_end, uint64_t end) {
  int fd = connect_unix(path);
  if (fd < 0) {
    print_error("connect");
    return;
  }
  char buf[IO_BUF];
  memset(buf, 'x', sizeof buf);
  buf[0] = 'E';
  if (write_fully(fd, buf, 1) < 0) {
    print_error("write");
    close(fd);
    return;
  }
  uint64_t count = 0, first = 0, last = 0;
  for (;;) {
    uint64_t t0 = now_ns();
    if (t0 >= end) break;
    if (write_fully(fd, buf, (size_t)size) < 0 || read_fully(fd, buf, (size_t)size) < 0) {
      print_error("round trip");
      close(fd);
      return;
    }
    uint64_t t1 = now_ns();
    if (t0 >= warm_end) {
      if (!count) first = t0;
      hist_record(&hist, t1 - t0);
      count++;
      last = t1;
    }
  }
  close(fd);
  print_result(count, last - first, count * 2 * (uint64_t)size, &hist);
}

static void rtt_many(const char *path, int n, int size, uint64_t warm_end, uint64_t end) {
  lane_t *lanes = calloc((size_t)n, sizeof *lanes);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  char msg[IO_BUF];
  memset(msg, 'x', sizeof msg);
  int open = 0;
  for (int i = 0; i < n; i++) {
    lanes[i].fd = connect_unix(path);
    if (lanes[i].fd < 0) {
      print_error("connect");
      goto out;
    }
    open++;
    if (write_fully(lanes[i].fd, "E", 1) < 0) {
      print_error("write");
      goto out;
    }
    set_nonblocking(lanes[i].fd);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &lanes[i]};
    epoll_ctl(ep, EPOLL_CTL_ADD, lanes[i].fd, &ev);
  }
  uint64_t count = 0, first = UINT64_MAX, last = 0;
  for (int i = 0; i < n; i++) {
    lanes[i].sent_at = now_ns();
    if (write(lanes[i].fd, msg, (size_t)size) != size) { /* 64 B into an empty socket: never short */
      print_error("write");
      goto out;
    }
  }
  int active = n;
  struct epoll_event events[256];
  char buf[IO_BUF];
  while (active > 0) {
    int k = epoll_wait(ep, events, 256, 5000);
    if (k == 0) {
      errno = ETIMEDOUT;
      print_error("no reply for 5 s");
      goto out;
    }
    if (k < 0 && errno == EINTR) continue;
    for (int i = 0; i < k; i++) {
      lane_t *l = events[i].data.ptr;
      ssize_t r = read(l->fd, buf, (size_t)size - l->got);
      if (r < 0 && errno == EAGAIN) continue;
      if (r <= 0) {
        print_error("read");
        goto out;
      }
      l->got += (size_t)r;
      if (l->got < (size_t)size) continue;
      l->got = 0;
      uint64_t t = now_ns();
      if (l->sent_at >= warm_end) {
        hist_record(&hist, t - l->sent_at);
        count++;
        if (l->sent_at < first) first = l->sent_at;
        last = t;
      }
      if (t >= end) {
        epoll_ctl(ep, EPOLL_CTL_DEL, l->fd, NULL);
        active--;
        continue;
      }
      l->sent_at = t;
      if (write(l->fd, msg, (size_t)size) != size) {
        print_error("write");
        goto out;
      }
    }
  }
  print_result(count, count ? last - first : 0, count * 2 * (uint64_t)size, &hist);
out:
  for (int i = 0; i < open; i++) close(lanes[i].fd);
  close(ep);
  free(lanes);
}

/* One connection: writes size-byte messages until the deadline, then EOF; the sink answers with
 * its byte count. Returns bytes confirmed, 0 on failure (after printing an error). */
static uint64_t bulk_once(const char *path, int size, uint64_t end, uint64_t *elapsed) {
  static char buf[4 * 1024 * 1024];
  if (size > (int)sizeof buf) size = sizeof buf;
  memset(buf, 'x', (size_t)size);
  int fd = connect_unix(path);
  if (fd < 0) {
    print_error("connect");
    return 0;
  }
  uint64_t t0 = now_ns(), sent = 0;
  if (write_fully(fd, "S", 1) < 0) goto fail;
  while (now_ns() < end) {
    if (write_fully(fd, buf, (size_t)size) < 0) goto fail;
    sent += (uint64_t)size;
  }
  shutdown(fd, SHUT_WR);
  uint64_t confirmed;
  if (read_fully(fd, &confirmed, sizeof confirmed) < 0) goto fail;
  *elapsed = now_ns() - t0;
  close(fd);
  if (confirmed != sent) {
    printf("error sink confirmed %llu of %llu bytes\n", (unsigned long long)confirmed,
           (unsigned long long)sent);
    fflush(stdout);
    return 0;
  }
  return confirmed;
fail:
  print_error("bulk");
  close(fd);
  return 0;
}

static int run_client(const char *path) {
  command_t c;
  while (read_command(&c)) {
    hist_reset(&hist);
    uint64_t start = now_ns();
    uint64_t warm_end = start + (uint64_t)c.warmup_ms * 1000000ull;
    uint64_t end = warm_end + (uint64_t)c.duration_ms * 1000000ull;
    if (c.size <= 0 || c.size > IO_BUF || c.concurrency <= 0) {
      printf("error bad size or concurrency\n");
      fflush(stdout);
    } else if (strcmp(c.kind, "rtt") == 0) {
      if (c.concurrency == 1)
        rtt_single(path, c.size, warm_end, end);
      else
        rtt_many(path, c.concurrency, c.size, warm_end, end);
    } else if (strcmp(c.kind, "bulk") == 0) {
      uint64_t elapsed = 0;
      if (c.warmup_ms > 0 && !bulk_once(path, c.size, warm_end, &elapsed)) continue;
      uint64_t bytes = bulk_once(path, c.size, now_ns() + (uint64_t)c.duration_ms * 1000000ull, &elapsed);
      if (bytes) print_result(bytes / (uint64_t)c.size, elapsed, bytes, NULL);
    } else {
      printf("error unsupported kind %s\n", c.kind);
      fflush(stdout);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc == 3 && strcmp(argv[1], "echo") == 0) run_echo(argv[2]);
  if (argc == 4 && strcmp(argv[1], "relay") == 0) run_relay(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "client") == 0) return run_client(argv[2]);
  fprintf(stderr, "usage: uds_bench echo SOCKET | relay LISTEN TARGET | client SOCKET\n");
  return 2;
}
