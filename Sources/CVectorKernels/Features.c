/* Which vector paths this build compiled and this processor runs: cpuid and the OS's
   register state. */

#include "CVectorKernels.h"
#include "Paths.h"

bool cvk_vector_paths_compiled(void) { return CVK_X86_VECTORS; }

#if CVK_X86_VECTORS
#include <cpuid.h>

/* Whether the OS saves the AVX-512 register state and the processor has AVX-512 F
   and every feature of `ebxBits` (cpuid leaf 7, EBX) and `ecxBits` (ECX). */
static bool cvk_avx512_supports(unsigned ebxBits, unsigned ecxBits) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return false; /* OSXSAVE */
  unsigned low, high;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  if ((low & 0xE6) != 0xE6) return false; /* SSE, AVX, opmask and ZMM state enabled */
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  ebxBits |= 1u << 16; /* AVX-512 F */
  return (ebx & ebxBits) == ebxBits && (ecx & ecxBits) == ecxBits;
}

bool cvk_plain_chunks_available(void) {
  return cvk_avx512_supports(1u << 30 /* BW */, 1u << 6 /* VBMI2 */);
}

bool cvk_min_hash_available(void) { return cvk_avx512_supports(1u << 17 /* DQ */, 0); }

bool cvk_json_copy_available(void) { return cvk_avx512_supports(1u << 30 /* BW */, 0); }

#else

/* No vector path was compiled: callers take their scalar paths. */

bool cvk_plain_chunks_available(void) { return false; }

bool cvk_min_hash_available(void) { return false; }

bool cvk_json_copy_available(void) { return false; }

#endif
