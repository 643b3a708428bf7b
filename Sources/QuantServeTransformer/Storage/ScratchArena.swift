import QuantServeKernels

/// A growable block of `Float` scratch memory for one forward pass at a time. It keeps its
/// allocation between passes, so a steady stream of batches allocates nothing. Large arenas sit
/// on transparent huge pages (`LargeAllocation`).
final class ScratchArena: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<Float>
    private(set) var capacity: Int
    /// The most floats asked for since `beginPass()`: what the current pass needs.
    private(set) var passNeed = 0

    init() {
        capacity = 0
        storage = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    }

    deinit {
        storage.deallocate()
    }

    /// At least `count` floats of uninitialized memory; earlier contents are not kept when it grows.
    /// Valid until the next call.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        passNeed = max(passNeed, count)
        if count > capacity {
            storage.deallocate()
            capacity = count
            storage = LargeAllocation.allocate(byteCount: 4 * count).bindMemory(to: Float.self, capacity: count)
        }
        return storage
    }

    /// Starts counting what a new pass needs.
    func beginPass() { passNeed = 0 }

    /// Bytes held.
    var memoryBytes: Int { 4 * capacity }
}
