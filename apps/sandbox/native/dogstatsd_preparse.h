// DogStatsD lines pre-parsed on the listener thread; see dogstatsd_preparse.c.
#ifndef DOGSTATSD_PREPARSE_H
#define DOGSTATSD_PREPARSE_H
#include <stddef.h>
#include <stdint.h>

/* Ring record kinds (the first int32 word of a record; >= 0 is a raw datagram of that length). */
enum { REC_WRAP = -1, REC_PACKET = -2, REC_FAST = -3, REC_LINE = -4, REC_RESET = -5 };

typedef struct preparser preparser_t;

/* `state[id]` is written by JS: the epoch in which it learnt shape `id` (0: not learnt). */
preparser_t *preparser_new(const int32_t *state, uint32_t max_shapes);
void preparser_free(preparser_t *p);

/* Bytes after a datagram that preparse_datagram may read (and ignore): it scans 16 at a time. */
#define PREPARSE_SLACK 16

/*
 * Writes the records of one datagram into out[0, cap) and returns their size (a multiple of 4),
 * or 0 when they do not fit (the caller then passes the datagram on raw). buf must be readable
 * up to len + PREPARSE_SLACK.
 */
size_t preparse_datagram(preparser_t *p, const uint8_t *buf, size_t len, uint8_t *out, size_t cap);

#endif
