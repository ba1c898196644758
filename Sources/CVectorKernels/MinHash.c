/* k-permutation MinHash: eight slots per vector with AVX-512, one at a time in the
   scalar path. */

#include "CVectorKernels.h"
#include "Paths.h"

/* Slot-major: a slot's multiplier, increment and running minimum stay in registers
   while the fingerprints stream past. */
void cvk_min_hash_permutations_scalar(const uint64_t *fingerprints, size_t count, const uint64_t *multipliers,
                                      const uint64_t *increments, size_t k, uint32_t *out) {
  for (size_t slot = 0; slot < k; slot++) {
    uint64_t a = multipliers[slot], b = increments[slot];
    uint64_t minimum = UINT64_MAX;
    for (size_t index = 0; index < count; index++) {
      uint64_t value = (a * fingerprints[index] + b) >> 32;
      minimum = value < minimum ? value : minimum;
    }
    /* The low 32 bits: the minimum itself, or UINT32_MAX when there was none. */
    out[slot] = (uint32_t)minimum;
  }
}

#if CVK_X86_VECTORS
#include <immintrin.h>

#define CVK_DQ_TARGET __attribute__((target("avx512f,avx512dq")))

/* Eight slots per vector; four vectors (32 slots) share each fingerprint's broadcast,
   so four independent minimum chains hide the multiply's latency. */
CVK_DQ_TARGET void cvk_min_hash_permutations(const uint64_t *fingerprints, size_t count, const uint64_t *multipliers,
                                             const uint64_t *increments, size_t k, uint32_t *out) {
  const __m512i none = _mm512_set1_epi64(-1);
  size_t slot = 0;
  for (; slot + 32 <= k; slot += 32) {
    __m512i a0 = _mm512_loadu_si512(multipliers + slot), a1 = _mm512_loadu_si512(multipliers + slot + 8);
    __m512i a2 = _mm512_loadu_si512(multipliers + slot + 16), a3 = _mm512_loadu_si512(multipliers + slot + 24);
    __m512i b0 = _mm512_loadu_si512(increments + slot), b1 = _mm512_loadu_si512(increments + slot + 8);
    __m512i b2 = _mm512_loadu_si512(increments + slot + 16), b3 = _mm512_loadu_si512(increments + slot + 24);
    __m512i m0 = none, m1 = none, m2 = none, m3 = none;
    for (size_t index = 0; index < count; index++) {
      __m512i f = _mm512_set1_epi64((long long)fingerprints[index]);
      m0 = _mm512_min_epu64(m0, _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a0, f), b0), 32));
      m1 = _mm512_min_epu64(m1, _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a1, f), b1), 32));
      m2 = _mm512_min_epu64(m2, _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a2, f), b2), 32));
      m3 = _mm512_min_epu64(m3, _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a3, f), b3), 32));
    }
    /* Keeping the low 32 bits of each 64-bit minimum: UINT32_MAX when there were none. */
    _mm256_storeu_si256((__m256i *)(out + slot), _mm512_cvtepi64_epi32(m0));
    _mm256_storeu_si256((__m256i *)(out + slot + 8), _mm512_cvtepi64_epi32(m1));
    _mm256_storeu_si256((__m256i *)(out + slot + 16), _mm512_cvtepi64_epi32(m2));
    _mm256_storeu_si256((__m256i *)(out + slot + 24), _mm512_cvtepi64_epi32(m3));
  }
  for (; slot < k; slot += 8) {
    __mmask8 lanes = (__mmask8)(k - slot >= 8 ? 0xFF : (1u << (k - slot)) - 1);
    __m512i a = _mm512_maskz_loadu_epi64(lanes, multipliers + slot);
    __m512i b = _mm512_maskz_loadu_epi64(lanes, increments + slot);
    __m512i m = none;
    for (size_t index = 0; index < count; index++) {
      __m512i f = _mm512_set1_epi64((long long)fingerprints[index]);
      m = _mm512_min_epu64(m, _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a, f), b), 32));
    }
    _mm512_mask_cvtepi64_storeu_epi32(out + slot, lanes, m);
  }
}

#else

void cvk_min_hash_permutations(const uint64_t *fingerprints, size_t count, const uint64_t *multipliers,
                               const uint64_t *increments, size_t k, uint32_t *out) {
  cvk_min_hash_permutations_scalar(fingerprints, count, multipliers, increments, k, out);
}

#endif
