#if canImport(Glibc)
    import Glibc
#endif

/// Allocation of the engine's large, long-lived blocks (packed weights, forward-pass scratch):
/// blocks of at least one huge page are aligned to 2 MiB and marked for transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`, which Linux honours when THP is in `madvise` or `always` mode), so
/// the activations a forward pass strides through (rows 4.6 KB apart in the QKV output) and the
/// weight panels the GEMM streams need one TLB entry per 2 MiB instead of one per 4 KiB. Smaller
/// blocks are only cache-line aligned. Free with `deallocate()` as any raw allocation.
public enum LargeAllocation {
    /// The huge page size this asks the kernel for.
    public static let hugePageBytes = 2 << 20

    /// `byteCount` bytes (at least 1), aligned to 64 bytes, or to `hugePageBytes` and advised as
    /// huge pages when `byteCount` is at least that.
    public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= hugePageBytes else {
            return UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        }
        let rounded = (byteCount + hugePageBytes - 1) / hugePageBytes * hugePageBytes
        let base = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: hugePageBytes)
        #if canImport(Glibc)
            // Advice only: without THP support the memory simply stays in small pages.
            _ = madvise(base, rounded, MADV_HUGEPAGE)
        #endif
        return base
    }
}
