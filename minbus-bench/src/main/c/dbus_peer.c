/*
 * The incumbent bus: two sd-bus peers talking through a D-Bus broker (dbus-broker or dbus-daemon).
 *
 *   dbus_peer server ADDRESS    owns io.minbus.Bench and serves io.minbus.Bench.Echo(ay) -> ay
 *   dbus_peer client ADDRESS    driver (see bench_common.h): "rtt N SIZE WARMUP DURATION" keeps N
 *                               method calls in flight on its one bus connection (closed loop: a
 *                               reply sends the next call) and times each call to its reply
 *
 * ADDRESS is a D-Bus address such as unix:path=/tmp/x/bus.sock. Both peers are single-threaded and
 * use sd-bus the way a C service normally does (sd_bus_process / sd_bus_wait).
 */
#define _GNU_SOURCE
#include "bench_common.h"

#include <stdbool.h>
#include <systemd/sd-bus.h>

#define NAME "io.minbus.Bench"
#define PATH "/io/minbus/Bench"

static sd_bus *open_bus(const char *address) {
  sd_bus *bus = NULL;
  int r = sd_bus_new(&bus);
  if (r >= 0) r = sd_bus_set_address(bus, address);
  if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
  if (r >= 0) r = sd_bus_start(bus);
  /* finish authentication and Hello now: an idle driver must not leave the handshake pending
   * (dbus-daemon closes connections that do not authenticate within 30 s) */
  const char *unique = NULL;
  if (r >= 0) r = sd_bus_get_unique_name(bus, &unique);
  if (r < 0) {
    fprintf(stderr, "fatal: cannot connect to %s: %s\n", address, strerror(-r));
    exit(1);
  }
  return bus;
}

/* ------------------------------------------------------------------ server */

static int method_echo(sd_bus_message *m, void *userdata, sd_bus_error *error) {
  (void)userdata;
  (void)error;
  const void *data;
  size_t n;
  int r = sd_bus_message_read_array(m, 'y', &data, &n);
  if (r < 0) return r;
  sd_bus_message *reply = NULL;
  r = sd_bus_message_new_method_return(m, &reply);
  if (r >= 0) r = sd_bus_message_append_array(reply, 'y', data, n);
  if (r >= 0) r = sd_bus_send(NULL, reply, NULL);
  sd_bus_message_unref(reply);
  return r;
}

static const sd_bus_vtable vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Echo", "ay", "ay", method_echo, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static int run_server(const char *address) {
  sd_bus *bus = open_bus(address);
  int r = sd_bus_add_object_vtable(bus, NULL, PATH, NAME, vtable, NULL);
  if (r >= 0) r = sd_bus_request_name(bus, NAME, 0);
  if (r < 0) {
    fprintf(stderr, "fatal: cannot serve %s: %s\n", NAME, strerror(-r));
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    r = sd_bus_process(bus, NULL);
    if (r < 0) {
      fprintf(stderr, "fatal: sd_bus_process: %s\n", strerror(-r));
      return 1;
    }
    if (r > 0) continue;
    r = sd_bus_wait(bus, UINT64_MAX);
    if (r < 0 && r != -EINTR) {
      fprintf(stderr, "fatal: sd_bus_wait: %s\n", strerror(-r));
      return 1;
    }
  }
}

/* ------------------------------------------------------------------ client driver */

typedef struct {
  sd_bus *bus;
  const char *payload;
  int size;
  uint64_t warm_end, end;
  uint64_t count, first, last;
  int in_flight;
  int failure; /* negative errno of the first failure */
  hist_t hist;
} run_t;

typedef struct {
  run_t *run;
  uint64_t sent_at;
} call_t;

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error);

static int send_call(call_t *c) {
  run_t *run = c->run;
  sd_bus_message *m = NULL;
  int r = sd_bus_message_new_method_call(run->bus, &m, NAME, PATH, NAME, "Echo");
  if (r >= 0) r = sd_bus_message_append_array(m, 'y', run->payload, (size_t)run->size);
  c->sent_at = now_ns();
  if (r >= 0) r = sd_bus_call_async(run->bus, NULL, m, on_reply, c, 0);
  sd_bus_message_unref(m);
  if (r < 0) {
    if (!run->failure) run->failure = r;
    return r;
  }
  run->in_flight++;
  return 0;
}

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
  (void)error;
  call_t *c = userdata;
  run_t *run = c->run;
  uint64_t t = now_ns();
  run->in_flight--;
  if (sd_bus_message_is_method_error(m, NULL)) {
    const sd_bus_error *e = sd_bus_message_get_error(m);
    fprintf(stderr, "call failed: %s: %s\n", e->name, e->message);
    if (!run->failure) run->failure = -EIO;
    return 0;
  }
  if (c->sent_at >= run->warm_end) {
    hist_record(&run->hist, t - c->sent_at);
    if (!run->count || c->sent_at < run->first) run->first = c->sent_at;
    run->count++;
    run->last = t;
  }
  if (t < run->end && !run->failure) send_call(c);
  return 0;
}

static void run_rtt(sd_bus *bus, const command_t *cmd) {
  static run_t run;
  memset(&run, 0, sizeof run);
  char *payload = malloc((size_t)cmd->size);
  memset(payload, 'x', (size_t)cmd->size);
  call_t *calls = calloc((size_t)cmd->concurrency, sizeof *calls);
  run.bus = bus;
  run.payload = payload;
  run.size = cmd->size;
  run.warm_end = now_ns() + (uint64_t)cmd->warmup_ms * 1000000ull;
  run.end = run.warm_end + (uint64_t)cmd->duration_ms * 1000000ull;
  for (int i = 0; i < cmd->concurrency && !run.failure; i++) {
    calls[i].run = &run;
    send_call(&calls[i]);
  }
  while (run.in_flight > 0) {
    int r = sd_bus_process(bus, NULL);
    if (r < 0) {
      if (!run.failure) run.failure = r;
      break;
    }
    if (r > 0) continue;
    r = sd_bus_wait(bus, UINT64_MAX);
    if (r < 0 && r != -EINTR) {
      if (!run.failure) run.failure = r;
      break;
    }
  }
  if (run.failure) {
    printf("error D-Bus call failed: %s\n", strerror(-run.failure));
    fflush(stdout);
  } else {
    print_result(run.count, run.count ? run.last - run.first : 0,
                 run.count * 2 * (uint64_t)cmd->size, &run.hist);
  }
  free(calls);
  free(payload);
}

static int run_client(const char *address) {
  sd_bus *bus = open_bus(address);
  command_t cmd;
  while (read_command(&cmd)) {
    if (strcmp(cmd.kind, "rtt") != 0 || cmd.concurrency <= 0 || cmd.size < 0) {
      printf("error unsupported command %s %d\n", cmd.kind, cmd.concurrency);
      fflush(stdout);
      continue;
    }
    run_rtt(bus, &cmd);
  }
  sd_bus_flush_close_unref(bus);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "server") == 0) return run_server(argv[2]);
  if (argc == 3 && strcmp(argv[1], "client") == 0) return run_client(argv[2]);
  fprintf(stderr, "usage: dbus_peer server ADDRESS | client ADDRESS\n");
  return 2;
}
