#ifndef NEARDUP_CXXHASH_SHIM_H
#define NEARDUP_CXXHASH_SHIM_H

/* NearDup's only entry point into the system xxHash library (Debian: libxxhash-dev),
   plus the one compiler intrinsic Swift does not expose, a prefetch hint.
   The header is included with XXH_INLINE_ALL so that XXH3 on short inputs (a token,
   a band of slots) is inlined instead of paying a call into the shared library. */
#define XXH_INLINE_ALL
/* Keep xxHash's force-inline hints even though headers are imported without
   optimization flags (which would otherwise define __NO_INLINE__ and drop them). */
#define XXH_NO_INLINE_HINTS 0
#include <xxhash.h>
#include <stddef.h>
#include <stdint.h>

/* XXH3-64 of `length` bytes at `data`, with `seed`: the value of XXH3_64bits_withSeed.
   Always inlined. With xxHash 0.8 it calls the length dispatcher that
   XXH3_64bits_withSeed wraps, which the header force-inlines, so that hashing a
   short token costs no function call and a known length folds the dispatch away. */
static inline __attribute__((always_inline)) uint64_t cxxhash_xxh3_64(const void *data, size_t length, uint64_t seed) {
#if XXH_VERSION_MAJOR == 0 && XXH_VERSION_MINOR == 8
  return XXH3_64bits_internal(data, length, (XXH64_hash_t)seed, XXH3_kSecret, sizeof(XXH3_kSecret),
                              XXH3_hashLong_64b_withSeed);
#else
  return XXH3_64bits_withSeed(data, length, (XXH64_hash_t)seed);
#endif
}

/* Hints the processor to bring the cache line holding `address` into all cache
   levels for reading; never faults, whatever the address. */
static inline __attribute__((always_inline)) void cxxhash_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

#endif
