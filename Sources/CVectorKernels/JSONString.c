/* The JSON Lines reader's string kernels: the length of a string's plain run (16
   bytes at a time with SSE2, eight with SWAR in the scalar path), and the run found
   and copied 64 bytes at a time with AVX-512. */

#include "CVectorKernels.h"
#include "Paths.h"

/* Whether `byte` ends a plain run: a quote, a backslash or a control character. */
static inline bool cvk_json_stop(uint8_t byte) { return byte == '"' || byte == '\\' || byte < 0x20; }

/* Eight bytes at a time while eight are left: a word is plain when the zero-byte
   test finds no byte equal to a quote or a backslash and the below-0x20 test finds
   none under 0x20 (each test leaves the high bit set in the bytes that pass, and
   may flag plain bytes above a flagged one, never a word with none). On a
   little-endian machine the lowest flagged byte is the first stop (borrows only
   flag bytes above it); elsewhere a flagged word is searched byte by byte. */
size_t cvk_json_plain_length_scalar(const uint8_t *bytes, size_t count) {
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  size_t offset = 0;
  while (offset + 8 <= count) {
    uint64_t word;
    __builtin_memcpy(&word, bytes + offset, 8);
    uint64_t quotes = word ^ (ones * '"');
    uint64_t backslashes = word ^ (ones * '\\');
    uint64_t flags = ((quotes - ones) & ~quotes) | ((backslashes - ones) & ~backslashes) | ((word - ones * 0x20) & ~word);
    uint64_t stops = flags & highs;
    if (stops) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return offset + (size_t)__builtin_ctzll(stops) / 8;
#else
      break;
#endif
    }
    offset += 8;
  }
  while (offset < count && !cvk_json_stop(bytes[offset])) offset++;
  return offset;
}

size_t cvk_json_copy_plain_scalar(const uint8_t *in, size_t count, uint8_t *out) {
  size_t length = cvk_json_plain_length_scalar(in, count);
  __builtin_memcpy(out, in, length);
  return length;
}

#if CVK_X86_VECTORS
#include <immintrin.h>

/* 16 bytes at a time with SSE2: one bit per byte that ends the run (a quote, a
   backslash or a control character); the scalar path finishes the last 15 or
   fewer. */
size_t cvk_json_plain_length(const uint8_t *bytes, size_t count) {
  size_t offset = 0;
  while (offset + 16 <= count) {
    __m128i v = _mm_loadu_si128((const __m128i *)(bytes + offset));
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    __m128i control = cvk_in_range16(v, 0x00, 0x1F);
    unsigned stops = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
    if (stops) return offset + (size_t)__builtin_ctz(stops);
    offset += 16;
  }
  return offset + cvk_json_plain_length_scalar(bytes + offset, count - offset);
}

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

size_t cvk_json_plain_length(const uint8_t *bytes, size_t count) { return cvk_json_plain_length_scalar(bytes, count); }

size_t cvk_json_copy_plain(const uint8_t *in, size_t count, uint8_t *out) {
  return cvk_json_copy_plain_scalar(in, count, out);
}

#endif
