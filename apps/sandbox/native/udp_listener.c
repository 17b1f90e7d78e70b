// The DogStatsD UDP socket read by a plain OS thread, as the Agent's listener goroutine reads it:
// datagrams are read 16 a system call (recvmmsg), pre-parsed (dogstatsd_preparse.c) and copied
// into a ring that JavaScript owns (an ArrayBuffer); the main thread parses the ring when rung.
// Why native: Node's dgram costs ~8-15 us a datagram on this machine (a libuv read, a Buffer and
// a JS call each), more than parsing the datagram's hundred lines; this thread reads one for ~1-2
// us and runs no JavaScript.
//
// Ring protocol (shared with dogstatsd-server.ts): records that never straddle the ring's end,
// each starting with an int32: >= 0, a raw datagram of that length (padded to 4); REC_* (see
// dogstatsd_preparse.h) otherwise, REC_WRAP meaning "go on at the ring's start". Control words
// (int32, CTL in dogstatsd-receiver.ts): WRITE and READ are byte counters that wrap at 2^32 (WRITE
// moved by this thread only, READ by JS only); ARMED is set by JS when it found the ring empty and
// wants a call; WAITING is set by this thread while it waits for room (JS then calls wake());
// CLOSING stops it; RECV_ERRORS counts failed reads.
#define _GNU_SOURCE
#include <node_api.h>

#include "dogstatsd_preparse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { C_WRITE = 0, C_READ = 1, C_WAITING = 3, C_CLOSING = 4, C_ARMED = 5, C_RECV_ERRORS = 6 };
#define WRAP_MARK REC_WRAP
/* A datagram's pre-parsed records are staged here, then copied to the ring in one piece. */
#define STAGE_BYTES (1u << 20)
/* Datagrams read per system call (recvmmsg). */
#define BATCH 16
#ifndef __linux__
/* recvmmsg is Linux's: elsewhere one recv() at a time, the same fields used. */
struct mmsghdr {
  struct msghdr msg_hdr;
  unsigned msg_len;
};
#endif
/* The largest UDP payload; the Agent itself reads at most dogstatsd_buffer_size (8 KB). */
#define MAX_DATAGRAM 65536

typedef struct {
  int fd;
  int wake_pipe[2];
  uint8_t *ring;
  uint32_t size;
  int32_t *ctl;
  napi_ref ring_ref;
  napi_ref ctl_ref;
  napi_threadsafe_function tsfn;
  pthread_t thread;
  int running;
  int closed;
  pthread_mutex_t mu;
  pthread_cond_t room;
  /* NULL: datagrams go to the ring raw (JS parses them whole). */
  preparser_t *pre;
  napi_ref shapes_ref;
  uint8_t *stage;
  /* BATCH datagram buffers of MAX_DATAGRAM bytes (only the pages datagrams land on are touched). */
  uint8_t *bufs;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
} listener_t;

#define LOAD(i) __atomic_load_n(&l->ctl[i], __ATOMIC_SEQ_CST)
#define STORE(i, v) __atomic_store_n(&l->ctl[i], (v), __ATOMIC_SEQ_CST)

/* Waits until `need` bytes fit after `w`; 0 when closing. */
static int wait_for_room(listener_t *l, uint32_t w, uint32_t need) {
  while (l->size - (w - (uint32_t)LOAD(C_READ)) < need) {
    if (LOAD(C_CLOSING)) return 0;
    STORE(C_WAITING, 1);
    pthread_mutex_lock(&l->mu);
    if (l->size - (w - (uint32_t)LOAD(C_READ)) < need && !LOAD(C_CLOSING)) {
      // JS calls wake() when it frees room and sees WAITING; the timeout only guards a lost call.
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 10 * 1000 * 1000;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&l->room, &l->mu, &until);
    }
    pthread_mutex_unlock(&l->mu);
    STORE(C_WAITING, 0);
  }
  return 1;
}

/* Copies one datagram (pre-parsed or raw) into the ring; 0 when closing. */
static int deliver(listener_t *l, const uint8_t *buf, uint32_t len) {
  const uint32_t mask = l->size - 1;
  // Pre-parsed records when they fit in half the ring (a small ring must still take them),
  // else the datagram raw.
  size_t staged = l->pre ? preparse_datagram(l->pre, buf, len, l->stage, STAGE_BYTES) : 0;
  if (staged > l->size / 2) staged = 0;
  const uint32_t need = staged ? (uint32_t)staged : 4 + ((len + 3) & ~3u);
  uint32_t w = (uint32_t)LOAD(C_WRITE);
  const uint32_t at = w & mask;
  // A record never straddles the end: the tail is skipped (marked) when it does not fit.
  const uint32_t skip = at + need > l->size ? l->size - at : 0;
  // Ring full: wait for JS (as the Agent's listener blocks on its full packet channel); the
  // kernel buffer holds what arrives meanwhile and drops the rest (/proc/net/udp).
  if (!wait_for_room(l, w, skip + need)) return 0;
  if (skip > 0) {
    *(int32_t *)(l->ring + at) = WRAP_MARK;
    w += skip;
  }
  const uint32_t to = w & mask;
  if (staged) {
    memcpy(l->ring + to, l->stage, staged);
  } else {
    memcpy(l->ring + to + 4, buf, len);
    *(int32_t *)(l->ring + to) = (int32_t)len;
  }
  STORE(C_WRITE, (int32_t)(w + need));
  if (__atomic_exchange_n(&l->ctl[C_ARMED], 0, __ATOMIC_SEQ_CST) != 0)
    napi_call_threadsafe_function(l->tsfn, NULL, napi_tsfn_nonblocking);
  return 1;
}

static void *run(void *arg) {
  listener_t *l = arg;
  struct pollfd fds[2] = {{l->fd, POLLIN, 0}, {l->wake_pipe[0], POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      __atomic_add_fetch(&l->ctl[C_RECV_ERRORS], 1, __ATOMIC_SEQ_CST);
      break;
    }
    if (fds[1].revents || LOAD(C_CLOSING)) break;
    // Read until the socket is empty, ringing JS at most once per empty-to-non-empty change.
    for (;;) {
#ifdef __linux__
      // up to BATCH datagrams a system call
      const int n = recvmmsg(l->fd, l->msgs, BATCH, MSG_DONTWAIT, NULL);
#else
      ssize_t got = recv(l->fd, l->bufs, MAX_DATAGRAM, MSG_DONTWAIT);
      const int n = got < 0 ? -1 : 1;
      if (got >= 0) l->msgs[0].msg_len = (unsigned)got;
#endif
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
          __atomic_add_fetch(&l->ctl[C_RECV_ERRORS], 1, __ATOMIC_SEQ_CST);
        break;
      }
      for (int k = 0; k < n; k++)
        if (!deliver(l, l->bufs + (size_t)k * MAX_DATAGRAM, l->msgs[k].msg_len)) return NULL;
    }
  }
  return NULL;
}

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  if (env == NULL || js_cb == NULL) return;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, js_cb, 0, NULL, NULL);
}

static void stop(listener_t *l) {
  if (l->closed) return;
  l->closed = 1;
  STORE(C_CLOSING, 1);
  if (l->running) {
    const char byte = 1;
    ssize_t ignored = write(l->wake_pipe[1], &byte, 1);
    (void)ignored;
    pthread_mutex_lock(&l->mu);
    pthread_cond_signal(&l->room);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    l->running = 0;
  }
  close(l->fd);
  close(l->wake_pipe[0]);
  close(l->wake_pipe[1]);
}

static void release_js(napi_env env, listener_t *l) {
  if (l->tsfn) {
    napi_release_threadsafe_function(l->tsfn, napi_tsfn_release);
    l->tsfn = NULL;
  }
  if (l->ring_ref) {
    napi_delete_reference(env, l->ring_ref);
    l->ring_ref = NULL;
  }
  if (l->ctl_ref) {
    napi_delete_reference(env, l->ctl_ref);
    l->ctl_ref = NULL;
  }
  if (l->shapes_ref) {
    napi_delete_reference(env, l->shapes_ref);
    l->shapes_ref = NULL;
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  listener_t *l = data;
  stop(l);
  release_js(env, l);
  pthread_mutex_destroy(&l->mu);
  pthread_cond_destroy(&l->room);
  preparser_free(l->pre);
  free(l->stage);
  free(l->bufs);
  free(l);
}

static napi_value throw_errno(napi_env env, const char *syscall, int err, const char *host, int port) {
  // The message reads as Node's dgram words it: "bind EADDRINUSE 127.0.0.1:8125".
  const char *name = err == EADDRINUSE ? "EADDRINUSE" : err == EACCES ? "EACCES" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "EIO";
  char msg[256];
  snprintf(msg, sizeof msg, "%s %s %s:%d (%s)", syscall, name, host, port, strerror(err));
  napi_value code, message, error;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_throw(env, error);
  return NULL;
}

static int get_prop(napi_env env, napi_value obj, const char *name, napi_value *out) {
  return napi_get_named_property(env, obj, name, out) == napi_ok;
}

/* listen({host, port, recvBufferSize, ring: ArrayBuffer, ctl: ArrayBuffer, onData[, shapes]})
 *   -> {handle, port, recvBufferSize}
 * shapes (an ArrayBuffer of int32, one per shape id): pre-parse lines (dogstatsd_preparse.c). */
static napi_value listen_(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value opts;
  napi_get_cb_info(env, info, &argc, &opts, NULL, NULL);
  napi_value v_host, v_port, v_rcv, v_ring, v_ctl, v_cb;
  if (argc < 1 || !get_prop(env, opts, "host", &v_host) || !get_prop(env, opts, "port", &v_port) ||
      !get_prop(env, opts, "recvBufferSize", &v_rcv) || !get_prop(env, opts, "ring", &v_ring) ||
      !get_prop(env, opts, "ctl", &v_ctl) || !get_prop(env, opts, "onData", &v_cb)) {
    napi_throw_type_error(env, NULL, "listen: options {host, port, recvBufferSize, ring, ctl, onData}");
    return NULL;
  }
  char host[64];
  size_t host_len = 0;
  int32_t port = 0, rcv = 0;
  if (napi_get_value_string_utf8(env, v_host, host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, v_port, &port) != napi_ok || napi_get_value_int32(env, v_rcv, &rcv) != napi_ok) {
    napi_throw_type_error(env, NULL, "listen: host must be a string, port and recvBufferSize numbers");
    return NULL;
  }
  void *ring = NULL, *ctl = NULL;
  size_t ring_len = 0, ctl_len = 0;
  bool is_ab = false;
  napi_is_arraybuffer(env, v_ring, &is_ab);
  if (!is_ab || napi_get_arraybuffer_info(env, v_ring, &ring, &ring_len) != napi_ok || ring_len < 65536 ||
      (ring_len & (ring_len - 1)) != 0 || ring_len > 0x40000000) {
    napi_throw_range_error(env, NULL, "listen: ring must be an ArrayBuffer whose size is a power of two from 64 KiB to 1 GiB");
    return NULL;
  }
  napi_is_arraybuffer(env, v_ctl, &is_ab);
  if (!is_ab || napi_get_arraybuffer_info(env, v_ctl, &ctl, &ctl_len) != napi_ok || ctl_len < 32) {
    napi_throw_range_error(env, NULL, "listen: ctl must be an ArrayBuffer of at least 8 int32 words");
    return NULL;
  }

  napi_value v_shapes;
  int32_t *shapes = NULL;
  size_t shapes_len = 0;
  bool has_shapes = false;
  napi_has_named_property(env, opts, "shapes", &has_shapes);
  if (has_shapes && get_prop(env, opts, "shapes", &v_shapes)) {
    napi_valuetype t;
    napi_typeof(env, v_shapes, &t);
    if (t != napi_undefined) {
      napi_is_arraybuffer(env, v_shapes, &is_ab);
      void *data = NULL;
      if (!is_ab || napi_get_arraybuffer_info(env, v_shapes, &data, &shapes_len) != napi_ok || shapes_len < 4) {
        napi_throw_range_error(env, NULL, "listen: shapes must be an ArrayBuffer of int32 words");
        return NULL;
      }
      shapes = data;
    } else {
      has_shapes = false;
    }
  }

  struct sockaddr_storage addr;
  socklen_t addr_len;
  memset(&addr, 0, sizeof addr);
  int family;
  if (strchr(host, ':')) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
    family = a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) goto not_ip;
    addr_len = sizeof *a6;
  } else {
    struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
    family = a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) goto not_ip;
    addr_len = sizeof *a4;
  }

  int fd = socket(family, SOCK_DGRAM, 0);
  if (fd < 0) return throw_errno(env, "socket", errno, host, port);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  // Capped by net.core.rmem_max; what the kernel gave is read back below.
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  if (bind(fd, (struct sockaddr *)&addr, addr_len) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err, host, port);
  }
  socklen_t len = sizeof addr;
  getsockname(fd, (struct sockaddr *)&addr, &len);
  int bound = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port : ((struct sockaddr_in *)&addr)->sin_port);
  int given = 0;
  socklen_t given_len = sizeof given;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &given, &given_len);

  listener_t *l = calloc(1, sizeof *l);
  if (!l) {
    close(fd);
    napi_throw_error(env, NULL, "listen: out of memory");
    return NULL;
  }
  l->bufs = malloc((size_t)BATCH * MAX_DATAGRAM + PREPARSE_SLACK);
  if (!l->bufs) {
    close(fd);
    free(l);
    napi_throw_error(env, NULL, "listen: out of memory");
    return NULL;
  }
  for (int k = 0; k < BATCH; k++) {
    l->iov[k].iov_base = l->bufs + (size_t)k * MAX_DATAGRAM;
    l->iov[k].iov_len = MAX_DATAGRAM;
    l->msgs[k].msg_hdr.msg_iov = &l->iov[k];
    l->msgs[k].msg_hdr.msg_iovlen = 1;
  }
  l->fd = fd;
  l->ring = ring;
  l->size = (uint32_t)ring_len;
  l->ctl = ctl;
  if (pipe(l->wake_pipe) != 0) {
    int err = errno;
    close(fd);
    free(l->bufs);
    free(l);
    return throw_errno(env, "pipe", err, host, port);
  }
  if (has_shapes) {
    l->pre = preparser_new(shapes, (uint32_t)(shapes_len / 4));
    l->stage = malloc(STAGE_BYTES);
    if (!l->pre || !l->stage) {
      preparser_free(l->pre);
      free(l->stage);
      close(fd);
      close(l->wake_pipe[0]);
      close(l->wake_pipe[1]);
      free(l->bufs);
      free(l);
      napi_throw_error(env, NULL, "listen: out of memory");
      return NULL;
    }
    napi_create_reference(env, v_shapes, 1, &l->shapes_ref);
  }
  pthread_mutex_init(&l->mu, NULL);
  pthread_cond_init(&l->room, NULL);
  napi_create_reference(env, v_ring, 1, &l->ring_ref);
  napi_create_reference(env, v_ctl, 1, &l->ctl_ref);
  napi_value name;
  napi_create_string_utf8(env, "dogstatsd-udp-listener", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, v_cb, NULL, name, 0, 1, NULL, NULL, NULL, call_js, &l->tsfn) != napi_ok) {
    finalize(env, l, NULL);
    napi_throw_error(env, NULL, "listen: could not create the thread-safe callback");
    return NULL;
  }
  const int err = pthread_create(&l->thread, NULL, run, l);
  if (err != 0) {
    finalize(env, l, NULL);
    return throw_errno(env, "pthread_create", err, host, port);
  }
  l->running = 1;

  napi_value result, handle, v;
  napi_create_object(env, &result);
  napi_create_external(env, l, finalize, NULL, &handle);
  napi_set_named_property(env, result, "handle", handle);
  napi_create_int32(env, bound, &v);
  napi_set_named_property(env, result, "port", v);
  napi_create_int32(env, given, &v);
  napi_set_named_property(env, result, "recvBufferSize", v);
  return result;

not_ip:
  napi_throw_type_error(env, "ERR_INVALID_IP", "listen: host must be an IPv4 or IPv6 address");
  return NULL;
}

static listener_t *handle_of(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  void *data = NULL;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc < 1 || napi_get_value_external(env, arg, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a listener handle");
    return NULL;
  }
  return data;
}

/* wake(handle): JS freed room in the ring while the thread waited for it. */
static napi_value wake(napi_env env, napi_callback_info info) {
  listener_t *l = handle_of(env, info);
  if (l && !l->closed) {
    pthread_mutex_lock(&l->mu);
    pthread_cond_signal(&l->room);
    pthread_mutex_unlock(&l->mu);
  }
  return NULL;
}

/* close(handle): stops and joins the thread, closes the socket; what is in the ring stays. */
static napi_value close_(napi_env env, napi_callback_info info) {
  listener_t *l = handle_of(env, info);
  if (l) {
    stop(l);
    release_js(env, l);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"listen", NULL, listen_, NULL, NULL, NULL, napi_default, NULL},
      {"wake", NULL, wake, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
