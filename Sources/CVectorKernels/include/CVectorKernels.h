#ifndef NEARDUP_CVECTORKERNELS_H
#define NEARDUP_CVECTORKERNELS_H

/* NearDup's C kernels, one source file per family:
   - Tokenizer.c: byte classes of 64-byte blocks (SSE2), and plain ASCII chunks
     folded and joined 64 bytes at a time (AVX-512);
   - JSONString.c: the length of a JSON string's plain run (SSE2), and the run
     found and copied 64 bytes at a time (AVX-512);
   - SortedSets.c: |a ∩ b| of sorted 32-bit sets, four against four (SSE2);
   - MinHash.c: k-permutation MinHash eight slots at a time (AVX-512);
   - Features.c: which of the AVX-512 paths this processor runs.

   Every kernel has a portable scalar path, `…_scalar`, compiled on every
   architecture, giving the same results bit for bit (tests compare the two). On
   x86-64 the unsuffixed name is the vector path; elsewhere, or when compiled with
   NEARDUP_SCALAR_KERNELS defined (`swift build -Xcc -DNEARDUP_SCALAR_KERNELS`), it
   is the scalar path, and every `…_available` function returns false.

   The SSE2 paths need only the x86-64 baseline. The AVX-512 paths are compiled for
   their own target features and must run only where their `…_available` function
   says the processor and the OS support them; their scalar paths run anywhere. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether this build compiled the x86-64 vector paths: false on other
   architectures and with NEARDUP_SCALAR_KERNELS. */
bool cvk_vector_paths_compiled(void);

/* Hints the processor to bring the cache line holding `address` into all cache
   levels for reading; never faults, whatever the address. A no-op where the
   architecture has no prefetch instruction. */
static inline __attribute__((always_inline)) void cvk_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

/* MARK: Tokenizer */

/* The tokenizer's byte classes of the 64 bytes at `bytes`, one bit per byte (bit i
   for byte i): `token` for ASCII letters and digits, the apostrophe and every byte
   of 0x80 or above; `complex` for ASCII uppercase letters, the apostrophe and every
   byte of 0x80 or above. Equal to TextNormalizer.classify applied eight bytes at a
   time (a test checks both on random blocks). */
void cvk_classify64(const void *bytes, uint64_t *token, uint64_t *complex);
void cvk_classify64_scalar(const void *bytes, uint64_t *token, uint64_t *complex);

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

/* Whether this processor runs the vector `cvk_fold_plain_chunks`: x86-64 with
   AVX-512 F, BW and VBMI2, their register state enabled by the OS. Runs cpuid (slow
   in a virtual machine): call once. */
bool cvk_plain_chunks_available(void);

/* Folds the plain chunks of `text[state->position ..< count]` into `out` and `ends`
   until it meets a chunk that is not plain, which it leaves to the caller
   (`state->position ..< state->chunkEnd`), or the end of the text.

   A chunk is at most 64 bytes and ends just past its last ASCII separator (or at
   the end of the text). It is plain when it holds only ASCII bytes other than the
   apostrophe and, with `splitsGluedWords`, no lowercase letter directly followed by
   an uppercase one. Its tokens, the runs of ASCII letters and digits, are written
   with uppercase letters folded to lowercase, each followed by one space, whose
   offset goes to `ends[state->tokenCount++]`. A run of 64 token bytes or more is
   left to the caller up to the first separator after it (or the end of the text).

   `out` must have 64 bytes of room past every offset written; `ends` room for every
   token. The vector path requires `cvk_plain_chunks_available()`; the scalar path
   writes only the bytes it keeps. */
void cvk_fold_plain_chunks(const uint8_t *text, size_t count, bool splitsGluedWords, uint8_t *out, int32_t *ends,
                           CVKFoldState *state);
void cvk_fold_plain_chunks_scalar(const uint8_t *text, size_t count, bool splitsGluedWords, uint8_t *out,
                                  int32_t *ends, CVKFoldState *state);

/* MARK: JSON strings */

/* The number of plain bytes at the start of `bytes[0 ..< count]` (the inside of a
   JSON string: anything but a quote, a backslash or a control character below
   0x20): the offset of the first byte that is not plain, or `count`. Reads no byte
   past `count`. */
size_t cvk_json_plain_length(const uint8_t *bytes, size_t count);
size_t cvk_json_plain_length_scalar(const uint8_t *bytes, size_t count);

/* Whether this processor runs the vector `cvk_json_copy_plain`: x86-64 with AVX-512
   F and BW, their register state enabled by the OS. Runs cpuid: call once. */
bool cvk_json_copy_available(void);

/* Copies the plain bytes at the start of `in[0 ..< count]` to `out` and returns
   their number, `cvk_json_plain_length(in, count)`. `out` must have room for
   `count + 64` bytes; the vector path overwrites the bytes past the returned number
   with scratch. The vector path requires `cvk_json_copy_available()`. */
size_t cvk_json_copy_plain(const uint8_t *in, size_t count, uint8_t *out);
size_t cvk_json_copy_plain_scalar(const uint8_t *in, size_t count, uint8_t *out);

/* MARK: Sorted sets */

/* |a ∩ b| of the strictly increasing arrays a[0 ..< na] and b[0 ..< nb].
   O(na + nb). */
size_t cvk_sorted_intersection_count_u32(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
size_t cvk_sorted_intersection_count_u32_scalar(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* MARK: MinHash */

/* Whether this processor runs the vector `cvk_min_hash_permutations`: x86-64 with
   AVX-512 F and DQ, their register state enabled by the OS. Runs cpuid: call once. */
bool cvk_min_hash_available(void);

/* k-permutation MinHash: `out[i]` = the minimum over the `count` fingerprints f of
   the high 32 bits of `multipliers[i] · f + increments[i]` (mod 2^64), for i < k;
   UINT32_MAX when `count` is 0. O(count · k). The vector path requires
   `cvk_min_hash_available()`. */
void cvk_min_hash_permutations(const uint64_t *fingerprints, size_t count, const uint64_t *multipliers,
                               const uint64_t *increments, size_t k, uint32_t *out);
void cvk_min_hash_permutations_scalar(const uint64_t *fingerprints, size_t count, const uint64_t *multipliers,
                                      const uint64_t *increments, size_t k, uint32_t *out);

#endif
