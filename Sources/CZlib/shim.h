#include <zlib.h>

/* inflateInit2 is a macro passing zlib's version and z_stream's size, which
 * Swift cannot call: the same call as a function. */
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
