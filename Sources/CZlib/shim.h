#ifndef NEARDUP_CZLIB_SHIM_H
#define NEARDUP_CZLIB_SHIM_H

/* The system zlib (Debian: zlib1g-dev), used to read gzip-compressed corpora. */
#include <zlib.h>

/* inflateInit2 is a macro in zlib.h; Swift cannot call macros, so wrap it.
   windowBits 15 + 32 accepts both gzip and zlib headers. */
static inline int czlib_inflate_init(z_stream *stream) {
  return inflateInit2(stream, 15 + 32);
}

/* deflateInit2 with windowBits 15 + 16 writes a gzip header and trailer. */
static inline int czlib_deflate_init_gzip(z_stream *stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
