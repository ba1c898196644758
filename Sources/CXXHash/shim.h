#ifndef NEARDUP_CXXHASH_SHIM_H
#define NEARDUP_CXXHASH_SHIM_H

/* NearDup's only entry point into the system xxHash library (Debian: libxxhash-dev):
   thin wrappers over XXH3 that Fingerprint/XXHash.swift calls, and nothing else
   (NearDup's other C kernels live in the CVectorKernels target).
   The header is included with XXH_INLINE_ALL so that XXH3 on short inputs (a token,
   a band of slots) is inlined instead of paying a call into the shared library. */
#define XXH_INLINE_ALL
/* Keep xxHash's force-inline hints even though headers are imported without
   optimization flags (which would otherwise define __NO_INLINE__ and drop them). */
#define XXH_NO_INLINE_HINTS 0
#include <xxhash.h>

#if defined(__x86_64__)
/* The library's XXH3-64 entry point that picks the widest vector unit of the running
   processor (AVX2 or AVX-512 instead of the baseline SSE2 this header compiles to).
   Part of libxxhash on x86-64 Debian and Ubuntu (xxh_x86dispatch.h); declared here
   because that header does not combine with XXH_INLINE_ALL. */
extern XXH64_hash_t XXH3_64bits_withSeed_dispatch(const void *input, size_t length, XXH64_hash_t seed);
/* Its XXH3-128 counterpart. */
extern XXH128_hash_t XXH3_128bits_withSeed_dispatch(const void *input, size_t length, XXH64_hash_t seed);
#endif

/* XXH3-64 of `length` bytes at `data`, with `seed`: the value of XXH3_64bits_withSeed.
   Always inlined. With xxHash 0.8 it calls the length dispatcher that
   XXH3_64bits_withSeed wraps, which the header force-inlines, so that hashing a
   shingle costs no function call. Inputs past XXH3's mid-size range (240 bytes: an
   index file's checksummed blocks) go to the library's vector dispatch on x86-64,
   which hashes 2.6 KB in 160 ns instead of 370 ns with AVX2; the value is the same. */
static inline __attribute__((always_inline)) uint64_t cxxhash_xxh3_64(const void *data, size_t length, uint64_t seed) {
#if defined(__x86_64__)
  if (length > XXH3_MIDSIZE_MAX) return XXH3_64bits_withSeed_dispatch(data, length, (XXH64_hash_t)seed);
#endif
#if XXH_VERSION_MAJOR == 0 && XXH_VERSION_MINOR == 8
  return XXH3_64bits_internal(data, length, (XXH64_hash_t)seed, XXH3_kSecret, sizeof(XXH3_kSecret),
                              XXH3_hashLong_64b_withSeed);
#else
  return XXH3_64bits_withSeed(data, length, (XXH64_hash_t)seed);
#endif
}

/* XXH3-128 of `length` bytes at `data`, with `seed`, as its low and high 64-bit
   halves: the value of XXH3_128bits_withSeed, long inputs (a document's normalized
   text, for its content key) through the vector dispatch on x86-64. */
static inline __attribute__((always_inline)) void cxxhash_xxh3_128(
    const void *data, size_t length, uint64_t seed, uint64_t *low, uint64_t *high) {
  XXH128_hash_t hash;
#if defined(__x86_64__)
  if (length > XXH3_MIDSIZE_MAX) {
    hash = XXH3_128bits_withSeed_dispatch(data, length, (XXH64_hash_t)seed);
  } else
#endif
  {
    hash = XXH3_128bits_withSeed(data, length, (XXH64_hash_t)seed);
  }
  *low = hash.low64;
  *high = hash.high64;
}

/* XXH3-64 (seed 0) of a word shingle: the value of XXH3_64bits. Word n-grams are
   mostly 17 to 64 bytes long, where XXH3 mixes two 16-byte blocks more past 32
   bytes; window lengths straddle 32 unpredictably, so in that range both extra
   mixes are always computed (the second from `data` itself when the input is not
   over 32 bytes) and kept or dropped without a branch. For those lengths the caller
   guarantees 32 readable bytes from `data`. Other lengths take cxxhash_xxh3_64. */
static inline __attribute__((always_inline)) uint64_t cxxhash_xxh3_64_shingle(const void *data, size_t length) {
  if (length - 17 <= 64 - 17) {
    const xxh_u8 *input = (const xxh_u8 *)data;
    const xxh_u8 *secret = XXH3_kSecret;
    const xxh_u8 *last32 = length > 32 ? input + length - 32 : input;
    uint64_t extra = XXH3_mix16B(input + 16, secret + 32, 0) + XXH3_mix16B(last32, secret + 48, 0);
    uint64_t acc = length * XXH_PRIME64_1 + (length > 32 ? extra : 0);
    acc += XXH3_mix16B(input, secret, 0);
    acc += XXH3_mix16B(input + length - 16, secret + 16, 0);
    return XXH3_avalanche(acc);
  }
  return cxxhash_xxh3_64(data, length, 0);
}

#endif
