/* The tokenizer's AVX-512 path: plain ASCII chunks folded and joined. */

#include "CVectorKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CVK_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi2,bmi,bmi2,lzcnt,popcnt")))

/* The byte classes of one window of up to 64 bytes. */
typedef struct {
  __m512i bytes;
  __mmask64 lower, upper, word, separator, special;
} CVKWindow;

static inline CVK_TARGET CVKWindow cvk_classify(const uint8_t *text, size_t length) {
  __mmask64 valid = _bzhi_u64(~0ULL, (unsigned)length);
  CVKWindow window;
  window.bytes = _mm512_maskz_loadu_epi8(valid, text);
  __m512i v = window.bytes;
  window.lower = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('a')), _mm512_set1_epi8(25));
  window.upper = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('A')), _mm512_set1_epi8(25));
  __mmask64 digit = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')), _mm512_set1_epi8(9));
  window.special = (_mm512_movepi8_mask(v) | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\''))) & valid;
  window.word = window.lower | window.upper | digit;
  window.separator = valid & ~(window.word | window.special);
  return window;
}

CVK_TARGET void cvk_fold_plain_chunks(const uint8_t *text, size_t count, bool splitsGluedWords, uint8_t *out,
                                      int32_t *ends, CVKFoldState *state) {
  size_t position = state->position, written = state->byteCount, tokenCount = state->tokenCount;
  const __m512i spaces = _mm512_set1_epi8(' ');
  const __m512i caseBit = _mm512_set1_epi8(0x20);
  while (position < count) {
    size_t length = count - position < 64 ? count - position : 64;
    CVKWindow window = cvk_classify(text + position, length);
    size_t chunk = length;
    if (position + 64 < count) {
      if (window.separator == 0) {
        /* A run of 64 token bytes or more: left to the caller up to its end. */
        size_t next = position + 64;
        state->chunkEnd = count;
        while (next < count) {
          size_t nextLength = count - next < 64 ? count - next : 64;
          __mmask64 separator = cvk_classify(text + next, nextLength).separator;
          if (separator != 0) {
            state->chunkEnd = next + _tzcnt_u64(separator) + 1;
            break;
          }
          next += nextLength;
        }
        break;
      }
      chunk = 64 - _lzcnt_u64(window.separator); /* through the last separator */
    }
    __mmask64 inChunk = _bzhi_u64(~0ULL, (unsigned)chunk);
    __mmask64 glued = splitsGluedWords ? window.lower & (window.upper >> 1) : 0;
    if ((window.special | glued) & inChunk) {
      state->chunkEnd = position + chunk;
      break;
    }
    __mmask64 tokenBytes = window.word & inChunk;
    /* Token bytes, and the first separator after each token, which becomes its space.
       The chunk starts at the text's start or after a separator: no token runs into it. */
    __mmask64 kept = tokenBytes | (window.separator & inChunk & (tokenBytes << 1));
    __m512i folded = _mm512_mask_blend_epi8(window.upper, window.bytes, _mm512_or_si512(window.bytes, caseBit));
    folded = _mm512_mask_blend_epi8(tokenBytes, spaces, folded);
    __m512i packed = _mm512_maskz_compress_epi8(kept, folded);
    _mm512_storeu_si512((void *)(out + written), packed);
    size_t keptCount = (size_t)_mm_popcnt_u64(kept);
    __mmask64 tokenEnds = _mm512_cmpeq_epi8_mask(packed, spaces) & _bzhi_u64(~0ULL, (unsigned)keptCount);
    while (tokenEnds) {
      ends[tokenCount++] = (int32_t)(written + _tzcnt_u64(tokenEnds));
      tokenEnds = _blsr_u64(tokenEnds);
    }
    written += keptCount;
    position += chunk;
    if (position == count && ((tokenBytes >> (chunk - 1)) & 1)) {
      /* The text ends inside a token. */
      out[written] = ' ';
      ends[tokenCount++] = (int32_t)written;
      written += 1;
    }
  }
  state->position = position;
  state->byteCount = written;
  state->tokenCount = tokenCount;
}

#else

void cvk_fold_plain_chunks(const uint8_t *text, size_t count, bool splitsGluedWords, uint8_t *out, int32_t *ends,
                           CVKFoldState *state) {
  (void)text, (void)splitsGluedWords, (void)out, (void)ends;
  state->chunkEnd = count;
}

#endif
