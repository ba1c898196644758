#ifndef NEARDUP_CVECTORKERNELS_PATHS_H
#define NEARDUP_CVECTORKERNELS_PATHS_H

#include <stddef.h>
#include <stdint.h>

/* Which path the unsuffixed kernels take, decided at compile time: CVK_X86_VECTORS
   is 1 on x86-64 (SSE2 is part of its baseline; the AVX-512 paths are compiled for
   their own target features and chosen at run time by the `…_available`
   functions), and 0 on other architectures or with NEARDUP_SCALAR_KERNELS defined,
   where every kernel is its portable `…_scalar` path. */
#if defined(__x86_64__) && !defined(NEARDUP_SCALAR_KERNELS)
#define CVK_X86_VECTORS 1
#else
#define CVK_X86_VECTORS 0
#endif

/* The low `n` bits set, for n ≤ 64. */
static inline uint64_t cvk_low_bits(size_t n) { return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1; }

#if CVK_X86_VECTORS
#include <emmintrin.h>

/* 0xFF in each of the 16 bytes that lies in [low, high], 0 in the others: one
   wrapping add moves the range to the bottom of the signed bytes, one signed compare
   tests it. */
static inline __m128i cvk_in_range16(__m128i bytes, char low, char high) {
  __m128i shifted = _mm_add_epi8(bytes, _mm_set1_epi8((char)(0x80 - low)));
  return _mm_cmplt_epi8(shifted, _mm_set1_epi8((char)(-128 + (high - low + 1))));
}
#endif

#endif
