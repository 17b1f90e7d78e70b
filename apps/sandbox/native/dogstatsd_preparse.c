// DogStatsD lines pre-parsed on the listener thread, so the main thread does only the part that
// needs its state (the aggregation). A plain metric line `name:value|type[|...]` is known by its
// shape: the name, and the bytes after the value (type, rate, tags, container id...), the same
// key as the JS parser's shape cache (dogstatsd-parser.ts). The first time a shape is seen, the
// line goes to JS whole (REC_LINE, with the shape's id); JS parses it with its full parser and,
// when the shape resolves to a metric context it can reuse, writes state[id] = epoch. From then
// on a line of that shape whose value is a plain decimal is sent as (id, value) only (REC_FAST):
// no bytes, no tags, no string. Everything else (events, service checks, sets, |T timestamps,
// several values, exponents, anything malformed) goes to JS whole, so the JS parser stays the one
// definition of what a line means; this file only decides when it may be skipped.
//
// Records (int32 words, little-endian; doubles unaligned):
//   REC_PACKET bytes                       a datagram starts (packet and byte counters)
//   REC_FAST n, then n x (id, double)     n lines of known shapes, 12 bytes each
//   REC_LINE id len, bytes padded to 4     one line for the JS parser; id -1: not to be learnt
//   REC_RESET                              the shape table started over (ids reused, epoch + 1)
#include "dogstatsd_preparse.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A shape: its hash and where its key is (kept to place it again when the slots grow). */
typedef struct {
  uint64_t hash;
  uint32_t off;
  uint32_t pad;
} entry_t;

/* In the arena, before the key bytes: a probe that reaches a key reads one place in memory. */
typedef struct {
  int32_t id;
  uint32_t name_len;
  uint32_t rest_len;
  uint32_t pad;
} key_head_t;

struct preparser {
  const int32_t *state;
  uint32_t max_shapes;
  int32_t epoch;
  /* Open addressing: slot -> (hash's high 32 bits << 32) | (arena offset / 8 + 1); 0: empty.
   * The hash bits spare a look at the key for most slots probed. */
  uint64_t *slots;
  uint32_t mask;
  entry_t *entries;
  uint32_t count;
  uint32_t cap;
  uint8_t *arena;
  size_t arena_used;
  size_t arena_cap;
};

/* Bytes of shape keys kept before the table starts over (with max_shapes, a bound on memory). */
#define MAX_ARENA (16u << 20)

/* Exact powers of ten: the JS parser divides by the same doubles (10 ** i). */
static const double POW10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

static void clear(preparser_t *p) {
  memset(p->slots, 0, (size_t)(p->mask + 1) * sizeof *p->slots);
  p->count = 0;
  p->arena_used = 0;
}

preparser_t *preparser_new(const int32_t *state, uint32_t max_shapes) {
  preparser_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->state = state;
  p->max_shapes = max_shapes;
  p->epoch = 1;
  p->mask = 4095;
  p->cap = 2048;
  p->arena_cap = 64 * 1024;
  p->slots = calloc(p->mask + 1, sizeof *p->slots);
  p->entries = malloc(p->cap * sizeof *p->entries);
  p->arena = malloc(p->arena_cap);
  if (!p->slots || !p->entries || !p->arena) {
    preparser_free(p);
    return NULL;
  }
  return p;
}

void preparser_free(preparser_t *p) {
  if (!p) return;
  free(p->slots);
  free(p->entries);
  free(p->arena);
  free(p);
}

/* Shape keys are hashed wyhash's way (below), then compared in full: the hash only spreads them. */
static inline uint64_t load64(const uint8_t *b) {
  uint64_t w;
  memcpy(&w, b, 8);
  return w;
}

/* The 128-bit product of a and b folded to 64 bits (wyhash's "mum"): one multiply mixes all
 * 64 bits of both words into every bit of the result. */
static inline uint64_t mum(uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
  const __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
  // the same product from 32-bit halves, where the compiler has no 128-bit integer
  const uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
  const uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
  const uint64_t lo = (mid << 32) | (uint32_t)ll;
  const uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  return lo ^ hi;
#endif
}

static inline uint64_t load32(const uint8_t *b) {
  uint32_t w;
  memcpy(&w, b, 4);
  return w;
}

static const uint64_t K0 = 0xa0761d6478bd642full, K1 = 0xe7037ed1a0b428dbull, K2 = 0x8ebc6af09c88c6e3ull;

/* n bytes into a hash (wyhash's layout: 16 bytes a multiply; the last 16, or the whole key when
 * shorter, read as two overlapping words, so no loop over bytes). */
static inline uint64_t absorb(uint64_t seed, const uint8_t *b, size_t n) {
  uint64_t a, c;
  if (n <= 16) {
    if (n >= 8) {
      a = load64(b);
      c = load64(b + n - 8);
    } else if (n >= 4) {
      a = load32(b);
      c = load32(b + n - 4);
    } else if (n > 0) {
      a = ((uint64_t)b[0] << 16) | ((uint64_t)b[n >> 1] << 8) | b[n - 1];
      c = 0;
    } else {
      a = c = 0;
    }
  } else {
    size_t i = 0;
    for (; i + 16 < n; i += 16) seed = mum(load64(b + i) ^ K1, load64(b + i + 8) ^ seed);
    a = load64(b + n - 16);
    c = load64(b + n - 8);
  }
  return mum(a ^ K1 ^ n, c ^ seed);
}

/* Whether a[0, n) == b[0, n): keys are tens of bytes, where a call to memcmp costs more than the
 * compare (8 bytes at a time, the last word overlapping the one before). */
static inline int same_bytes(const uint8_t *a, const uint8_t *b, size_t n) {
  if (n >= 8) {
    uint64_t diff = 0;
    size_t i = 0;
    for (; i + 8 < n; i += 8) diff |= load64(a + i) ^ load64(b + i);
    return (diff | (load64(a + n - 8) ^ load64(b + n - 8))) == 0;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

static inline uint64_t shape_hash(const uint8_t *ns, size_t nl, const uint8_t *rs, size_t rl) {
  return mum(absorb(absorb(K0, ns, nl) ^ K2, rs, rl), K2 ^ K0);
}

static void place(preparser_t *p, uint32_t e) {
  const uint64_t h = p->entries[e].hash;
  uint32_t i = (uint32_t)h & p->mask;
  while (p->slots[i] != 0) i = (i + 1) & p->mask;
  p->slots[i] = (h & 0xFFFFFFFF00000000ull) | (p->entries[e].off / 8 + 1);
}

static int grow(preparser_t *p) {
  if (p->count == p->cap) {
    uint32_t cap = p->cap * 2;
    entry_t *entries = realloc(p->entries, cap * sizeof *entries);
    if (!entries) return 0;
    p->entries = entries;
    p->cap = cap;
  }
  if ((p->count + 1) * 2 > p->mask + 1) {
    uint32_t size = (p->mask + 1) * 2;
    uint64_t *slots = calloc(size, sizeof *slots);
    if (!slots) return 0;
    free(p->slots);
    p->slots = slots;
    p->mask = size - 1;
    for (uint32_t e = 0; e < p->count; e++) place(p, e);
  }
  return 1;
}

static int may_learn(const uint8_t *rs, const uint8_t *re);

/*
 * The id of the shape name [ns, ne) + rest [rs, re), added when new and may_learn() allows it; -1
 * when it is not kept. *reset is set when the table started over to make room.
 */
static int32_t intern(preparser_t *p, uint64_t h, const uint8_t *ns, size_t nl, const uint8_t *rs, size_t rl,
                      int *reset) {
  const uint64_t tag = h & 0xFFFFFFFF00000000ull;
  for (uint32_t i = (uint32_t)h & p->mask;; i = (i + 1) & p->mask) {
    const uint64_t slot = p->slots[i];
    if (slot == 0) break;
    if ((slot & 0xFFFFFFFF00000000ull) != tag) continue;
    const key_head_t *kh = (const key_head_t *)(p->arena + ((size_t)(uint32_t)slot - 1) * 8);
    if (kh->name_len == nl && kh->rest_len == rl) {
      const uint8_t *k = (const uint8_t *)(kh + 1);
      if (same_bytes(k, ns, nl) && same_bytes(k + nl, rs, rl)) return kh->id;
    }
  }
  // Only a new shape is checked: a line whose rest equals a learnt one's passed this check.
  if (!may_learn(rs, rs + rl)) return -1;
  const size_t need = (sizeof(key_head_t) + nl + rl + 7) & ~(size_t)7;
  if (need > MAX_ARENA / 4) return -1;
  if (p->count >= p->max_shapes || p->arena_used + need > MAX_ARENA) {
    // A sender inventing names must not grow the table forever: start over (as the JS cache does).
    clear(p);
    p->epoch++;
    *reset = 1;
  }
  if (p->arena_used + need > p->arena_cap) {
    size_t cap = p->arena_cap;
    while (p->arena_used + need > cap) cap *= 2;
    uint8_t *arena = realloc(p->arena, cap);
    if (!arena) return -1;
    p->arena = arena;
    p->arena_cap = cap;
  }
  if (!grow(p)) return -1;
  const uint32_t e = p->count++;
  p->entries[e] = (entry_t){h, (uint32_t)p->arena_used, 0};
  key_head_t *kh = (key_head_t *)(p->arena + p->arena_used);
  *kh = (key_head_t){(int32_t)e, (uint32_t)nl, (uint32_t)rl, 0};
  memcpy((uint8_t *)(kh + 1), ns, nl);
  memcpy((uint8_t *)(kh + 1) + nl, rs, rl);
  p->arena_used += need;
  place(p, e);
  return (int32_t)e;
}

#if defined(__SSE2__)
/* Bit i set where s[i] == c, for the 16 bytes from s (which may run past the datagram: the
 * caller's buffer has PREPARSE_SLACK bytes after it). */
static inline uint32_t eq16(const uint8_t *s, __m128i c) {
  return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)s), c));
}

/* The first c in [s, e), or e: sixteen bytes at a time. */
static inline const uint8_t *find_byte(const uint8_t *s, const uint8_t *e, uint8_t c) {
  const __m128i cc = _mm_set1_epi8((char)c);
  for (; s < e; s += 16) {
    const uint32_t m = eq16(s, cc);
    if (m) {
      const uint8_t *r = s + __builtin_ctz(m);
      return r < e ? r : e;
    }
  }
  return e;
}

/* The first ':' or '|' in [s, e), or e. */
static inline const uint8_t *name_end(const uint8_t *s, const uint8_t *e) {
  const __m128i colon = _mm_set1_epi8(':'), pipe = _mm_set1_epi8('|');
  for (; s < e; s += 16) {
    const uint32_t m = eq16(s, colon) | eq16(s, pipe);
    if (m) {
      const uint8_t *r = s + __builtin_ctz(m);
      return r < e ? r : e;
    }
  }
  return e;
}
#else
static inline const uint8_t *find_byte(const uint8_t *s, const uint8_t *e, uint8_t c) {
  const uint8_t *r = memchr(s, c, (size_t)(e - s));
  return r ? r : e;
}

/* The first ':' or '|' in [s, e), or e: eight bytes at a time (a zero-byte test on each). */
static inline const uint8_t *name_end(const uint8_t *s, const uint8_t *e) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  for (; s + 8 <= e; s += 8) {
    const uint64_t w = load64(s);
    const uint64_t a = w ^ (ones * ':'), b = w ^ (ones * '|');
    const uint64_t hit = ((a - ones) & ~a & highs) | ((b - ones) & ~b & highs);
    if (hit) return s + (__builtin_ctzll(hit) >> 3);
  }
#endif
  while (s < e && *s != ':' && *s != '|') s++;
  return s;
}
#endif

static int plain_decimal_loop(const uint8_t *b, const uint8_t *e, double *out);

/*
 * plain_decimal without a branch per character for the usual value, up to 8 bytes with no sign
 * (e.g. "1234.5"): the digits are checked and summed eight at a time in a word (the loop's exit
 * mispredicts once a value whenever lengths vary). The same mantissa and division, so the same
 * double. Anything else (a sign, 9 bytes or more, a stray byte) goes to the loop, which decides.
 */
static inline int plain_decimal(const uint8_t *b, const uint8_t *e, double *out) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const size_t n = (size_t)(e - b);
  if (n >= 1 && n <= 8) {
    uint64_t w = load64(b);
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t keep = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;
    // bytes past the value read as '0' (they add nothing once right-aligned below)
    w = (w & keep) | (0x3030303030303030ull & ~keep);
    const uint64_t d = w ^ (ones * '.');
    uint64_t dot = (d - ones) & ~d & highs;
    size_t digits = n, frac = 0;
    if (dot) {
      if (dot & (dot - 1)) return plain_decimal_loop(b, e, out); /* two dots */
      const unsigned k = (unsigned)__builtin_ctzll(dot) >> 3;
      // drop the dot: the bytes after it move down one, a '0' comes in at the top
      const uint64_t low = k == 0 ? 0 : (1ull << (8 * k)) - 1;
      w = (w & low) | ((w >> 8) & ~low) | (0x30ull << 56);
      digits = n - 1;
      frac = digits - k;
      if (digits == 0) return 0; /* "." alone */
    }
    // every byte a digit: no byte below '0' nor above '9'
    if (((w - ones * '0') | (w + ones * (0x7F - '9'))) & highs) return plain_decimal_loop(b, e, out);
    // right-align the digits (the '0's come in at the low end), then sum them pairwise
    uint64_t x = (w - ones * '0') << (8 * (8 - digits));
    x = (x * 10) + (x >> 8);
    x = (((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((x >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
    *out = frac == 0 ? (double)x : (double)x / POW10[frac];
    return 1;
  }
#endif
  return plain_decimal_loop(b, e, out);
}

/* [+-]digits[.digits], 1 to 15 digits: the JS parser's exact fast case, computed the same way. */
static int plain_decimal_loop(const uint8_t *b, const uint8_t *e, double *out) {
  int neg = 0;
  if (b < e && (*b == '-' || *b == '+')) neg = *b++ == '-';
  // An integer while it has at most 15 digits (< 2^53): exactly the double JS accumulates.
  uint64_t mant = 0;
  int digits = 0, frac = 0, dot = 0;
  for (; b < e; b++) {
    const uint8_t c = *b;
    if (c >= '0' && c <= '9') {
      mant = mant * 10 + (uint64_t)(c - '0');
      digits++;
      frac += dot;
    } else if (c == '.' && !dot) {
      dot = 1;
    } else {
      return 0;
    }
  }
  if (digits == 0 || digits > 15) return 0;
  const double v = frac == 0 ? (double)mant : (double)mant / POW10[frac];
  *out = neg ? -v : v;
  return 1;
}

/* The type field [t, te) is one the JS fast path reuses: c g ms h d (a set needs its text). */
static int reusable_type(const uint8_t *t, const uint8_t *te) {
  if (te - t == 1) return *t == 'c' || *t == 'g' || *t == 'h' || *t == 'd';
  return te - t == 2 && t[0] == 'm' && t[1] == 's';
}

/* The rest of a line after its value, [rs, re) = `type[|field...]`: a shape the table may learn
 * when its type is reusable and no field is a |T timestamp (those lines are JS's alone). */
static int may_learn(const uint8_t *rs, const uint8_t *re) {
  const uint8_t *te = find_byte(rs, re, '|');
  if (!reusable_type(rs, te)) return 0;
  for (const uint8_t *f = te + 1; f < re; f = find_byte(f, re, '|') + 1)
    if (*f == 'T') return 0;
  return 1;
}

static inline void put32(uint8_t *at, int32_t v) { memcpy(at, &v, 4); }

/* A line of a chunk, between the pass that reads it and the pass that looks its shape up. */
typedef struct {
  const uint8_t *s, *colon, *p1, *le;
  uint64_t hash;
  /* 1: a candidate for the table (`name:value|rest`; intern() checks the rest of a new one) */
  int candidate;
} line_t;

/* Lines read ahead: their table slots are fetched into the cache while the others are read. */
#define CHUNK 32

size_t preparse_datagram(preparser_t *p, const uint8_t *buf, size_t len, uint8_t *out, size_t cap) {
  size_t o = 0;
  size_t fast_at = 0; /* offset of the open REC_FAST header, 0: none (never at 0: REC_PACKET is) */
  int32_t fast_n = 0;
  if (cap < 8) return 0;
  put32(out, REC_PACKET);
  put32(out + 4, (int32_t)len);
  o = 8;
  const uint8_t *end = buf + len;
  line_t lines[CHUNK];
  for (const uint8_t *s = buf; s < end;) {
    // Pass 1: split, classify and hash up to CHUNK lines, asking for each one's slot (a cache
    // miss with thousands of shapes, taken while the next lines are read rather than in turn).
    int n = 0;
    for (; n < CHUNK && s < end;) {
      const uint8_t *le = find_byte(s, end, '\n');
      line_t *ln = &lines[n];
      const uint8_t *line = s;
      s = le + 1;
      if (le == line) continue;
      n++;
      ln->s = line;
      ln->le = le;
      ln->candidate = 0;
      const uint8_t *colon = name_end(line, le);
      if (colon >= le || *colon != ':' || colon == line) continue;
      const uint8_t *p1 = find_byte(colon + 1, le, '|');
      if (p1 >= le) continue;
      // the type and fields are checked only when the shape is new (intern, may_learn)
      ln->colon = colon;
      ln->p1 = p1;
      ln->candidate = 1;
      ln->hash = shape_hash(line, (size_t)(colon - line), p1 + 1, (size_t)(le - (p1 + 1)));
      __builtin_prefetch(&p->slots[(uint32_t)ln->hash & p->mask]);
    }
    // Pass 2: each line's records, in order.
    for (int k = 0; k < n; k++) {
      const line_t *ln = &lines[k];
      int32_t id = -1;
      int fast = 0;
      double value = 0;
      if (ln->candidate) {
        int reset = 0;
        id = intern(p, ln->hash, ln->s, (size_t)(ln->colon - ln->s), ln->p1 + 1, (size_t)(ln->le - (ln->p1 + 1)),
                    &reset);
        if (reset) {
          if (o + 4 > cap) return 0;
          put32(out + o, REC_RESET);
          o += 4;
          fast_at = 0;
        }
        fast = id >= 0 && __atomic_load_n(&p->state[id], __ATOMIC_ACQUIRE) == p->epoch &&
               plain_decimal(ln->colon + 1, ln->p1, &value);
      }
      if (fast) {
        if (fast_at == 0) {
          if (o + 8 > cap) return 0;
          fast_at = o;
          fast_n = 0;
          put32(out + o, REC_FAST);
          o += 8;
        }
        if (o + 12 > cap) return 0;
        put32(out + o, id);
        memcpy(out + o + 4, &value, 8);
        o += 12;
        put32(out + fast_at + 4, ++fast_n);
      } else {
        const size_t bytes = (size_t)(ln->le - ln->s);
        const size_t need = 12 + ((bytes + 3) & ~(size_t)3);
        if (o + need > cap) return 0;
        put32(out + o, REC_LINE);
        put32(out + o + 4, id);
        put32(out + o + 8, (int32_t)bytes);
        memcpy(out + o + 12, ln->s, bytes);
        o += need;
        fast_at = 0;
      }
    }
  }
  return o;
}
