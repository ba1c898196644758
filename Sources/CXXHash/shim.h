#ifndef NEARDUP_CXXHASH_SHIM_H
#define NEARDUP_CXXHASH_SHIM_H

/* NearDup's only entry point into the system xxHash library (Debian: libxxhash-dev),
   plus compiler intrinsics Swift does not expose: a prefetch hint and, on x86-64,
   the SSE2 byte scans of the tokenizer and the JSON Lines reader.
   The header is included with XXH_INLINE_ALL so that XXH3 on short inputs (a token,
   a band of slots) is inlined instead of paying a call into the shared library. */
#define XXH_INLINE_ALL
/* Keep xxHash's force-inline hints even though headers are imported without
   optimization flags (which would otherwise define __NO_INLINE__ and drop them). */
#define XXH_NO_INLINE_HINTS 0
#include <xxhash.h>
#include <stddef.h>
#include <stdint.h>

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

/* Hints the processor to bring the cache line holding `address` into all cache
   levels for reading; never faults, whatever the address. */
static inline __attribute__((always_inline)) void cxxhash_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* 0xFF in each of the 16 bytes that lies in [low, high], 0 in the others: one
   wrapping add moves the range to the bottom of the signed bytes, one signed compare
   tests it. */
static inline __attribute__((always_inline)) __m128i cxxhash_in_range(__m128i bytes, char low, char high) {
  __m128i shifted = _mm_add_epi8(bytes, _mm_set1_epi8((char)(0x80 - low)));
  return _mm_cmplt_epi8(shifted, _mm_set1_epi8((char)(-128 + (high - low + 1))));
}

/* The tokenizer's byte classes of the 64 bytes at `bytes`, one bit per byte (bit i
   for byte i): `token` for ASCII letters and digits, the apostrophe and every byte
   of 0x80 or above; `complex` for ASCII uppercase letters, the apostrophe and every
   byte of 0x80 or above. Equal to TextNormalizer.classify applied eight bytes at a
   time (a test checks both on random blocks). */
static inline __attribute__((always_inline)) void cxxhash_classify64(const void *bytes, uint64_t *token,
                                                                     uint64_t *complex) {
  uint64_t tokens = 0, complexes = 0;
  for (int part = 0; part < 4; part++) {
    __m128i v = _mm_loadu_si128((const __m128i *)((const char *)bytes + 16 * part));
    __m128i letter = cxxhash_in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
    __m128i digit = cxxhash_in_range(v, '0', '9');
    __m128i upper = cxxhash_in_range(v, 'A', 'Z');
    __m128i apostrophe = _mm_cmpeq_epi8(v, _mm_set1_epi8('\''));
    uint64_t high = (uint64_t)(unsigned)_mm_movemask_epi8(v);
    uint64_t word = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), apostrophe));
    uint64_t cased = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(upper, apostrophe));
    tokens |= (word | high) << (16 * part);
    complexes |= (cased | high) << (16 * part);
  }
  *token = tokens;
  *complex = complexes;
}

/* The number of values shared by the strictly increasing arrays a[*i..<na] and
   b[*j..<nb], counted four values of each at a time while both have four left: every
   value of a's block is compared with every value of b's (b's block rotated three
   times), then the block with the smaller last value moves on, both on a tie. No
   later block of the other array can hold a value of the block that moved on, so
   each shared value is counted once. Advances *i and *j to where it stopped; the
   caller merges the rest (fewer than four values of one array). */
static inline __attribute__((always_inline)) size_t cxxhash_shared_blocks4(const uint32_t *a, size_t na,
                                                                           const uint32_t *b, size_t nb,
                                                                           size_t *i, size_t *j) {
  size_t ia = *i, jb = *j, count = 0;
  while (ia + 4 <= na && jb + 4 <= nb) {
    __m128i va = _mm_loadu_si128((const __m128i *)(a + ia));
    __m128i vb = _mm_loadu_si128((const __m128i *)(b + jb));
    __m128i equal = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi32(va, vb), _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(0, 3, 2, 1)))),
        _mm_or_si128(_mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(1, 0, 3, 2))),
                     _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(2, 1, 0, 3)))));
    unsigned lanes = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(equal));
    count += (size_t)((0x4332322132212110ULL >> (4 * lanes)) & 0xF);  /* bits set among 4 */
    uint32_t lastA = a[ia + 3], lastB = b[jb + 3];
    ia += lastA <= lastB ? 4 : 0;
    jb += lastB <= lastA ? 4 : 0;
  }
  *i = ia;
  *j = jb;
  return count;
}

/* One bit per byte (bit i for byte i) of the 16 bytes at `bytes` that end a run of
   plain JSON string bytes: a quote, a backslash, or a control character (below
   0x20). */
static inline __attribute__((always_inline)) unsigned cxxhash_json_string_stops16(const void *bytes) {
  __m128i v = _mm_loadu_si128((const __m128i *)bytes);
  __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  __m128i control = cxxhash_in_range(v, 0x00, 0x1F);
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
}
#endif

#endif
