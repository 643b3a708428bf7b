private import CQuantServeKernels

/// Software prefetch for reads whose addresses the hardware prefetchers cannot guess, such as the
/// rows of a large embedding table picked by token id.
public enum CachePrefetch {
    /// Asks for the `bytes` bytes from `address` on to be brought toward L1, one request per
    /// 64-byte line. A hint: nothing is read, and no address is checked.
    public static func read(_ address: UnsafeRawPointer, bytes: Int) {
        var offset = 0
        while offset < bytes {
            qs_prefetch_read(address + offset)
            offset += 64
        }
    }
}
