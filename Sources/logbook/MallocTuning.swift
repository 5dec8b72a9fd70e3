import CMalloc
import Foundation

/// Keeps glibc's malloc from holding on to large buffers. It serves
/// blocks of 128 KiB and more with mmap, returned to the system when freed,
/// but raises that threshold to the size of each such block freed, up to
/// 32 MiB; past that, big buffers (a 2.5 MB page and its 20,000 links) come
/// from the arena of the thread that asked, of which there are up to 8 a
/// core, and each arena keeps its peak. A fixed 256 KiB threshold took a
/// crawl of the Python docs from 98 to 81 MiB at the same speed, where one
/// arena a core took it to 69 MiB but was 10–20% slower on link-heavy
/// sites. Unless the user set `MALLOC_MMAP_THRESHOLD_`, which glibc has
/// already read. Call before any thread starts.
func keepLargeBuffersOutOfMallocArenas() {
    guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return }
    _ = mallopt(M_MMAP_THRESHOLD, 256 << 10)
}
