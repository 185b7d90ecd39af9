/*
 * Start-up anchor: times fork + exec of a program until it has exited (waitpid), one at a time.
 *
 *   spawn_timer PROGRAM [ARGS...]      driver (see bench_common.h); answers "spawn 1 0 WARMUP DURATION"
 *
 * The child's stdout and stderr go to /dev/null. A non-zero exit status is reported as an error.
 */
#define _GNU_SOURCE
#include "bench_common.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static hist_t hist;

/* Returns the time from fork to the end of waitpid, or 0 on failure (after printing an error). */
static uint64_t spawn_once(char **argv, int devnull) {
  uint64_t t0 = now_ns();
  pid_t pid = fork();
  if (pid < 0) {
    print_error("fork");
    return 0;
  }
  if (pid == 0) {
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0) {
    print_error("waitpid");
    return 0;
  }
  uint64_t t = now_ns() - t0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    printf("error %s exited with status %d\n", argv[0], status);
    fflush(stdout);
    return 0;
  }
  return t;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: spawn_timer PROGRAM [ARGS...]\n");
    return 2;
  }
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull < 0) die("/dev/null");
  command_t c;
  while (read_command(&c)) {
    if (strcmp(c.kind, "spawn") != 0) {
      printf("error unsupported kind %s\n", c.kind);
      fflush(stdout);
      continue;
    }
    hist_reset(&hist);
    uint64_t warm_end = now_ns() + (uint64_t)c.warmup_ms * 1000000ull;
    int ok = 1;
    while (ok && now_ns() < warm_end) ok = spawn_once(argv + 1, devnull) != 0;
    if (!ok) continue;
    uint64_t start = now_ns(), end = start + (uint64_t)c.duration_ms * 1000000ull, count = 0;
    do { /* at least three samples, however slow the program */
      uint64_t t = spawn_once(argv + 1, devnull);
      if (!t) {
        ok = 0;
        break;
      }
      hist_record(&hist, t);
      count++;
    } while (now_ns() < end || count < 3);
    if (ok) print_result(count, now_ns() - start, 0, &hist);
  }
  return 0;
}
