/* The tokenizer's kernels: the byte classes of 64-byte blocks (SSE2), and plain
   ASCII chunks folded and joined (AVX-512); each with its scalar path. */

#include "CVectorKernels.h"
#include "Paths.h"

/* MARK: Scalar paths */

void cvk_classify64_scalar(const void *bytes, uint64_t *token, uint64_t *complex) {
  const uint8_t *p = (const uint8_t *)bytes;
  uint64_t tokens = 0, complexes = 0;
  for (unsigned i = 0; i < 64; i++) {
    uint8_t byte = p[i];
    uint64_t letter = (uint8_t)((byte | 0x20) - 'a') < 26;
    uint64_t digit = (uint8_t)(byte - '0') < 10;
    uint64_t upper = (uint8_t)(byte - 'A') < 26;
    uint64_t special = (byte >= 0x80) | (byte == '\'');
    tokens |= (letter | digit | special) << i;
    complexes |= (upper | special) << i;
  }
  *token = tokens;
  *complex = complexes;
}

/* The byte classes of one window of up to 64 bytes, bit i for byte i; bits past the
   window are clear. */
typedef struct {
  uint64_t lower, upper, word, separator, special;
} CVKClasses;

static CVKClasses cvk_classify_window_scalar(const uint8_t *text, size_t length) {
  CVKClasses classes = {0, 0, 0, 0, 0};
  uint64_t digit = 0;
  for (size_t i = 0; i < length; i++) {
    uint8_t byte = text[i];
    classes.lower |= (uint64_t)((uint8_t)(byte - 'a') < 26) << i;
    classes.upper |= (uint64_t)((uint8_t)(byte - 'A') < 26) << i;
    digit |= (uint64_t)((uint8_t)(byte - '0') < 10) << i;
    classes.special |= (uint64_t)((byte >= 0x80) | (byte == '\'')) << i;
  }
  classes.word = classes.lower | classes.upper | digit;
  classes.separator = cvk_low_bits(length) & ~(classes.word | classes.special);
  return classes;
}

/* The vector path's steps with bit loops in place of compares and compression:
   the same chunks, the same decisions, the same output. */
void cvk_fold_plain_chunks_scalar(const uint8_t *text, size_t count, bool splitsGluedWords, uint8_t *out,
                                  int32_t *ends, CVKFoldState *state) {
  size_t position = state->position, written = state->byteCount, tokenCount = state->tokenCount;
  while (position < count) {
    size_t length = count - position < 64 ? count - position : 64;
    CVKClasses window = cvk_classify_window_scalar(text + position, length);
    size_t chunk = length;
    if (position + 64 < count) {
      if (window.separator == 0) {
        /* A run of 64 token bytes or more: left to the caller up to its end. */
        size_t next = position + 64;
        state->chunkEnd = count;
        while (next < count) {
          size_t nextLength = count - next < 64 ? count - next : 64;
          uint64_t separator = cvk_classify_window_scalar(text + next, nextLength).separator;
          if (separator != 0) {
            state->chunkEnd = next + (size_t)__builtin_ctzll(separator) + 1;
            break;
          }
          next += nextLength;
        }
        break;
      }
      chunk = 64 - (size_t)__builtin_clzll(window.separator); /* through the last separator */
    }
    uint64_t inChunk = cvk_low_bits(chunk);
    uint64_t glued = splitsGluedWords ? window.lower & (window.upper >> 1) : 0;
    if ((window.special | glued) & inChunk) {
      state->chunkEnd = position + chunk;
      break;
    }
    uint64_t tokenBytes = window.word & inChunk;
    /* Token bytes, and the first separator after each token, which becomes its space.
       The chunk starts at the text's start or after a separator: no token runs into it. */
    uint64_t kept = tokenBytes | (window.separator & inChunk & (tokenBytes << 1));
    for (uint64_t left = kept; left; left &= left - 1) {
      unsigned i = (unsigned)__builtin_ctzll(left);
      if ((tokenBytes >> i) & 1) {
        uint8_t byte = text[position + i];
        out[written] = (window.upper >> i) & 1 ? (uint8_t)(byte | 0x20) : byte;
      } else {
        out[written] = ' ';
        ends[tokenCount++] = (int32_t)written;
      }
      written += 1;
    }
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

#if CVK_X86_VECTORS
#include <immintrin.h>

/* MARK: SSE2 */

/* Four 16-byte compares per class and a movemask each. */
void cvk_classify64(const void *bytes, uint64_t *token, uint64_t *complex) {
  uint64_t tokens = 0, complexes = 0;
  for (int part = 0; part < 4; part++) {
    __m128i v = _mm_loadu_si128((const __m128i *)((const char *)bytes + 16 * part));
    __m128i letter = cvk_in_range16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
    __m128i digit = cvk_in_range16(v, '0', '9');
    __m128i upper = cvk_in_range16(v, 'A', 'Z');
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

/* MARK: AVX-512 */

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

void cvk_classify64(const void *bytes, uint64_t *token, uint64_t *complex) {
  cvk_classify64_scalar(bytes, token, complex);
}

void cvk_fold_plain_chunks(const uint8_t *text, size_t count, bool splitsGluedWords, uint8_t *out, int32_t *ends,
                           CVKFoldState *state) {
  cvk_fold_plain_chunks_scalar(text, count, splitsGluedWords, out, ends, state);
}

#endif
