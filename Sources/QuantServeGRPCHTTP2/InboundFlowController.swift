import Synchronization

/// Receive-side HTTP/2 flow control of one stream. The connection window is opened as soon as
/// bytes arrive, the stream's window only while the reader keeps up: once more than
/// `threshold` bytes of complete messages wait unread, the event loop holds back the stream's
/// WINDOW_UPDATEs (the peer stops after one window), and the reader, on dropping back under
/// the threshold, asks the loop to release what it held.
///
/// Counters are shared between the event loop (`messageQueued`, `shouldHold`) and the reading
/// task (`messageTaken`).
final class InboundFlowController: Sendable {
    /// Unread bytes above which the stream's window stays closed.
    let threshold: Int
    private let unreadBytes = Atomic<Int>(0)
    private let holding = Atomic<Bool>(false)
    private let release: @Sendable () -> Void

    /// A controller whose reader calls `release` (which must hop to the event loop) when held
    /// bytes may be consumed again.
    init(threshold: Int, release: @escaping @Sendable () -> Void) {
        self.threshold = threshold
        self.release = release
    }

    // MARK: The event loop

    /// A complete message of `size` bytes (its serialized length) was handed to the reader.
    func messageQueued(size: Int) {
        unreadBytes.add(size + 5, ordering: .relaxed)
    }

    /// Whether the bytes that just arrived must be held back rather than consumed now.
    func shouldHold() -> Bool {
        guard unreadBytes.load(ordering: .acquiring) > threshold else { return false }
        holding.store(true, ordering: .sequentiallyConsistent)
        // The reader may have caught up between the check and the flag: look again, and take
        // the flag back unless the reader already did (then its release is on the way).
        if unreadBytes.load(ordering: .sequentiallyConsistent) <= threshold {
            return !holding.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged
        }
        return true
    }

    // MARK: The reader

    /// The reader took a message of `size` serialized bytes.
    func messageTaken(size: Int) {
        let remaining = unreadBytes.subtract(size + 5, ordering: .sequentiallyConsistent).newValue
        if remaining <= threshold,
            holding.load(ordering: .relaxed),
            holding.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged
        {
            release()
        }
    }
}
