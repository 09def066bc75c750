#include "servers/memory_release.h"

#include <cstdlib>  // Defines __GLIBC__ with the GNU C library.

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kv {

void configure_allocator() {
#if defined(__GLIBC__)
  // Setting the threshold also turns off its dynamic adjustment.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

void return_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace kv
