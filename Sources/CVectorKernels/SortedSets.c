/* |a ∩ b| of sorted 32-bit sets (verification's digest sets): four values against
   four with SSE2, then a branch-free merge, which is the whole scalar path. */

#include "CVectorKernels.h"
#include "Paths.h"

/* Merges a[i ..< na] and b[j ..< nb], counting shared values: whichever value is
   smaller moves on, both on a tie, without a branch. */
static inline size_t cvk_merge_count(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t i, size_t j) {
  size_t count = 0;
  while (i < na && j < nb) {
    uint32_t x = a[i], y = b[j];
    count += x == y;
    i += x <= y;
    j += y <= x;
  }
  return count;
}

size_t cvk_sorted_intersection_count_u32_scalar(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  return cvk_merge_count(a, na, b, nb, 0, 0);
}

#if CVK_X86_VECTORS
#include <emmintrin.h>

/* Four values of each array at a time while both have four left: every value of
   a's block is compared with every value of b's (b's block rotated three times),
   then the block with the smaller last value moves on, both on a tie. No later
   block of the other array can hold a value of the block that moved on, so each
   shared value is counted once. The merge finishes the rest (fewer than four values
   of one array). */
size_t cvk_sorted_intersection_count_u32(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  size_t i = 0, j = 0, count = 0;
  while (i + 4 <= na && j + 4 <= nb) {
    __m128i va = _mm_loadu_si128((const __m128i *)(a + i));
    __m128i vb = _mm_loadu_si128((const __m128i *)(b + j));
    __m128i equal = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi32(va, vb), _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(0, 3, 2, 1)))),
        _mm_or_si128(_mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(1, 0, 3, 2))),
                     _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(2, 1, 0, 3)))));
    unsigned lanes = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(equal));
    count += (size_t)((0x4332322132212110ULL >> (4 * lanes)) & 0xF); /* bits set among 4 */
    uint32_t lastA = a[i + 3], lastB = b[j + 3];
    i += lastA <= lastB ? 4 : 0;
    j += lastB <= lastA ? 4 : 0;
  }
  return count + cvk_merge_count(a, na, b, nb, i, j);
}

#else

size_t cvk_sorted_intersection_count_u32(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
  return cvk_sorted_intersection_count_u32_scalar(a, na, b, nb);
}

#endif
