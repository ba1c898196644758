#ifndef NEARDUP_CXXHASH_SHIM_H
#define NEARDUP_CXXHASH_SHIM_H

/* NearDup's only entry point into the system xxHash library (Debian: libxxhash-dev).
   The header is included with XXH_INLINE_ALL so that XXH3 on short inputs (a token,
   a band of slots) is inlined instead of paying a call into the shared library. */
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <stddef.h>
#include <stdint.h>

/* XXH3-64 of `length` bytes at `data`, with `seed`. */
static inline uint64_t cxxhash_xxh3_64(const void *data, size_t length, uint64_t seed) {
  return XXH3_64bits_withSeed(data, length, (XXH64_hash_t)seed);
}

#endif
