/*
 * Shared helpers of the native benchmark peers: clock, latency histogram and the driver protocol.
 *
 * Driver protocol (the same in every driver, C or Java; see io.minbus.bench.harness.DriverProtocol):
 *   the harness writes one command per line on stdin:
 *     <kind> <concurrency> <size> <warmup_ms> <duration_ms>     kind: rtt | stream | bulk | spawn
 *     quit
 *   the driver answers one line on stdout:
 *     result count=<n> elapsed_ns=<ns> bytes=<b> hist=<index>:<count>,...
 *     error <message>
 *   Servers and relays print "ready" once they accept connections.
 *
 * Histogram buckets (identical to io.minbus.bench.harness.LatencyHistogram): values in nanoseconds;
 * v < 32 has its own bucket; above, every power of two is split into 32 linear sub-buckets, so a
 * bucket is at most 1/32 (3.1 %) wide relative to its value.
 */
#ifndef MINBUS_BENCH_COMMON_H
#define MINBUS_BENCH_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HIST_SUB_BITS 5
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_SIZE (64 * HIST_SUB)

typedef struct {
  uint64_t counts[HIST_SIZE];
} hist_t;

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline int hist_index(uint64_t v) {
  if (v < HIST_SUB) return (int)v;
  int e = 63 - __builtin_clzll(v); /* e >= HIST_SUB_BITS */
  int shift = e - HIST_SUB_BITS;
  return (shift + 1) * HIST_SUB + (int)((v >> shift) & (HIST_SUB - 1));
}

static inline void hist_record(hist_t *h, uint64_t v) { h->counts[hist_index(v)]++; }

static inline void hist_reset(hist_t *h) { memset(h, 0, sizeof(*h)); }

/* Prints the result line and flushes. */
static inline void print_result(uint64_t count, uint64_t elapsed_ns, uint64_t bytes, const hist_t *h) {
  printf("result count=%llu elapsed_ns=%llu bytes=%llu hist=", (unsigned long long)count,
         (unsigned long long)elapsed_ns, (unsigned long long)bytes);
  int first = 1;
  if (h) {
    for (int i = 0; i < HIST_SIZE; i++) {
      if (h->counts[i]) {
        printf("%s%d:%llu", first ? "" : ",", i, (unsigned long long)h->counts[i]);
        first = 0;
      }
    }
  }
  printf("\n");
  fflush(stdout);
}

static inline void print_error(const char *what) {
  printf("error %s: %s\n", what, strerror(errno));
  fflush(stdout);
}

typedef struct {
  char kind[16];
  int concurrency;
  int size;
  int warmup_ms;
  int duration_ms;
} command_t;

/* Reads the next command; returns 0 on quit or end of input. */
static inline int read_command(command_t *c) {
  char line[256];
  for (;;) {
    if (!fgets(line, sizeof line, stdin)) return 0;
    if (strncmp(line, "quit", 4) == 0) return 0;
    if (sscanf(line, "%15s %d %d %d %d", c->kind, &c->concurrency, &c->size, &c->warmup_ms,
               &c->duration_ms) == 5)
      return 1;
    printf("error unparsable command: %s", line);
    fflush(stdout);
  }
}

static inline void die(const char *what) {
  fprintf(stderr, "fatal: %s: %s\n", what, strerror(errno));
  exit(1);
}

#endif
