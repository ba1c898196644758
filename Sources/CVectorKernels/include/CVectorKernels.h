#ifndef NEARDUP_CVECTORKERNELS_H
#define NEARDUP_CVECTORKERNELS_H

/* NearDup's AVX-512 kernels: the JSON Lines reader's string copy, the tokenizer's
   path for plain ASCII text, folded and joined 64 bytes at a time, and k-permutation
   MinHash eight slots at a time.
   Compiled for the x86-64 baseline; the vector code runs only where the
   `…_available` functions say the processor and the OS support it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where `cvk_fold_plain_chunks` stands in a text: the input offset it reached and
   the output written so far (each token followed by one space). */
typedef struct {
  /* Input offset: the end of the text, or the start of a chunk left to the caller.
     Always the start of the text or just past an ASCII separator. */
  size_t position;
  /* When `position` is before the end: the end of the chunk left to the caller, just
     past an ASCII separator or at the end of the text. */
  size_t chunkEnd;
  /* Output bytes written. */
  size_t byteCount;
  /* Token end offsets written. */
  size_t tokenCount;
} CVKFoldState;

/* Whether this processor runs `cvk_fold_plain_chunks`: x86-64 with AVX-512 F, BW
   and VBMI2, their register state enabled by the OS. Runs cpuid (slow in a virtual
   machine): call once. */
bool cvk_plain_chunks_available(void);

/* Folds the plain chunks of `text[state->position ..< count]` into `out` and `ends`
   until it meets a chunk that is not plain, which it leaves to the caller
   (`state->position ..< state->chunkEnd`), or the end of the text.

   A chunk is at most 64 bytes and ends just past its last ASCII separator (or at
   the end of the text). It is plain when it holds only ASCII bytes other than the
   apostrophe and, with `splitsGluedWords`, no lowercase letter directly followed by
   an uppercase one. Its tokens, the runs of ASCII letters and digits, are written
   with uppercase letters folded to lowercase, each followed by one space, whose
   offset goes to `ends[state->tokenCount++]`.

   `out` must have 64 bytes of room past every offset written; `ends` room for every
   token. Requires `cvk_plain_chunks_available()`. */
void cvk_fold_plain_chunks(const uint8_t *text, size_t count, bool splitsGluedWords, uint8_t *out, int32_t *ends,
                           CVKFoldState *state);

/* Whether this processor runs `cvk_json_copy_plain`: x86-64 with AVX-512 F and BW,
   their register state enabled by the OS. Runs cpuid: call once. */
bool cvk_json_copy_available(void);

/* Copies the plain bytes at the start of `in[0 ..< count]` (the inside of a JSON
   string: anything but a quote, a backslash or a control character below 0x20) to
   `out`, and returns their number: the offset of the first byte that is not plain,
   or `count`. `out` must have room for `count + 64` bytes; the bytes past the
   returned number are overwritten with scratch. Requires `cvk_json_copy_available()`. */
size_t cvk_json_copy_plain(const uint8_t *in, size_t count, uint8_t *out);

/* Whether this processor runs `cvk_min_hash_permutations`: x86-64 with AVX-512 F and
   DQ, their register state enabled by the OS. Runs cpuid: call once. */
bool cvk_min_hash_available(void);

/* k-permutation MinHash: `out[i]` = the minimum over the `count` fingerprints f of
   the high 32 bits of `multipliers[i] · f + increments[i]` (mod 2^64), for i < k;
   UINT32_MAX when `count` is 0. The same values as the scalar loop, bit for bit.
   Requires `cvk_min_hash_available()`. */
void cvk_min_hash_permutations(const uint64_t *fingerprints, size_t count, const uint64_t *multipliers,
                               const uint64_t *increments, size_t k, uint32_t *out);

#endif
