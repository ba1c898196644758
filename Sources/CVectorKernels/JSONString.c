/* The JSON Lines reader's AVX-512 path: a string's plain bytes found and copied 64
   at a time. */

#include "CVectorKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CVK_BW_TARGET __attribute__((target("avx512f,avx512bw")))

CVK_BW_TARGET size_t cvk_json_copy_plain(const uint8_t *in, size_t count, uint8_t *out) {
  const __m512i quote = _mm512_set1_epi8('"');
  const __m512i backslash = _mm512_set1_epi8('\\');
  const __m512i space = _mm512_set1_epi8(0x20);
  size_t done = 0;
  while (done < count) {
    size_t left = count - done;
    __mmask64 valid = left < 64 ? ((__mmask64)1 << left) - 1 : ~(__mmask64)0;
    __m512i bytes = _mm512_maskz_loadu_epi8(valid, in + done);
    __mmask64 stops = (_mm512_cmpeq_epi8_mask(bytes, quote) | _mm512_cmpeq_epi8_mask(bytes, backslash) |
                       _mm512_cmplt_epu8_mask(bytes, space)) & valid;
    /* All 64 bytes are stored; those past the stop (or the input) are scratch that
       the caller's next write covers or ignores. */
    _mm512_storeu_si512(out + done, bytes);
    if (stops) return done + (size_t)__builtin_ctzll(stops);
    if (left <= 64) return count;
    done += 64;
  }
  return count;
}

#else

size_t cvk_json_copy_plain(const uint8_t *in, size_t count, uint8_t *out) {
  (void)in;
  (void)out;
  return count; /* never called: cvk_json_copy_available() is false */
}

#endif
