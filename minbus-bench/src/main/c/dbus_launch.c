/*
 * Starts a private dbus-broker instance through its own launcher, without systemd.
 *
 *   dbus_launch SOCKET CONFIG [LAUNCHER]      LAUNCHER defaults to dbus-broker-launch on PATH
 *
 * dbus-broker-launch expects what systemd gives it: the listening socket as fd 3 (socket
 * activation: LISTEN_FDS=1, LISTEN_PID) and a journal at /run/systemd/journal/socket, and it
 * connects back to the bus it serves ($DBUS_SESSION_BUS_ADDRESS with --scope user). This program
 * binds SOCKET, sets that environment and execs the launcher. Where no journal listens (a
 * container without systemd), it first enters a private mount namespace (needs root or
 * CAP_SYS_ADMIN) with a tmpfs over /run/systemd and a small journal stand-in that copies the
 * broker's MESSAGE= lines to stderr; nothing outside this process tree sees it.
 */
#define _GNU_SOURCE
#include "bench_common.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define JOURNAL_DIR "/run/systemd/journal"
#define JOURNAL "/run/systemd/journal/socket"

static int bind_unix(int type, const char *path) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof a.sun_path) {
    fprintf(stderr, "dbus_launch: path too long: %s\n", path);
    exit(2);
  }
  strcpy(a.sun_path, path);
  int fd = socket(AF_UNIX, type, 0);
  if (fd < 0) die("socket");
  unlink(path);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die(path);
  return fd;
}

static int journal_listening(void) {
  struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = JOURNAL};
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

/* Journal stand-in: prints each datagram's MESSAGE= field to stderr until the parent dies. */
static void run_journal(int fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  static char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) continue;
    buf[n] = 0;
    char *m = strstr(buf, "MESSAGE=");
    if (m) {
      char *end = strchr(m, '\n');
      if (end) *end = 0;
      fprintf(stderr, "dbus-broker: %s\n", m + 8);
    }
  }
}

static void fake_journal(void) {
  if (unshare(CLONE_NEWNS) < 0) die("unshare(CLONE_NEWNS) for a private /run/systemd/journal (run as root)");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("mount --make-rprivate /");
  struct stat st;
  const char *over = stat("/run/systemd", &st) == 0 ? "/run/systemd" : "/run";
  if (mount("tmpfs", over, "tmpfs", 0, "mode=0755") < 0) die("mount tmpfs");
  mkdir("/run/systemd", 0755);
  if (mkdir(JOURNAL_DIR, 0755) < 0) die("mkdir " JOURNAL_DIR);
  int fd = bind_unix(SOCK_DGRAM, JOURNAL);
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) run_journal(fd);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: dbus_launch SOCKET CONFIG [LAUNCHER]\n");
    return 2;
  }
  const char *socket_path = argv[1], *config = argv[2];
  const char *launcher = argc == 4 ? argv[3] : "dbus-broker-launch";
  if (!journal_listening()) fake_journal();

  int fd = bind_unix(SOCK_STREAM, socket_path);
  if (listen(fd, 4096) < 0) die("listen");
  if (fd != 3) {
    if (dup2(fd, 3) < 0) die("dup2");
    close(fd);
  }
  char pid[32], address[200];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  snprintf(address, sizeof address, "unix:path=%s", socket_path);
  setenv("LISTEN_FDS", "1", 1);
  setenv("LISTEN_PID", pid, 1);
  unsetenv("LISTEN_FDNAMES");
  unsetenv("NOTIFY_SOCKET");
  setenv("DBUS_SESSION_BUS_ADDRESS", address, 1);
  fflush(stdout);
  execlp(launcher, launcher, "--config-file", config, "--scope", "user", (char *)NULL);
  die(launcher);
}
