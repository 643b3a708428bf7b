import DequeModule
import QuantServeGRPC
import Synchronization

/// The messages one side of a call has written but HTTP/2 has not yet sent, shared between the
/// task that writes them (any thread) and the connection's event loop, whose nghttp2 data
/// provider reads them as flow control allows.
///
/// Writers add messages and the end of the body; whenever they add something while no wake-up
/// of the event loop is pending they call `wake`, which hops to the loop to submit headers or
/// resume a deferred body. A writer suspends while more than `highWaterMark` bytes wait, so a
/// closed flow-control window holds the writer back instead of filling memory.
final class OutboundMessageQueue: Sendable {
    /// How the body ends.
    enum End: Sendable {
        /// The body simply ends: DATA with END_STREAM (a client half-closing, a plain HTTP body).
        case endStream
        /// The server's final status and trailing metadata.
        case status(Status, Metadata)
    }

    /// What the event loop should do after a wake-up.
    struct WakeWork {
        /// Response headers a server handler asked for and the loop has not submitted yet.
        var headers: Metadata?
        /// Whether any message waits.
        var hasMessages: Bool
        /// The end of the body, if the writer set it.
        var end: End?
        /// Whether the data provider answered `.deferred` and must be resumed.
        var wasDeferred: Bool
    }

    fileprivate struct Entry {
        var bytes: [UInt8]
        /// Whether the gRPC 5-byte prefix goes before `bytes`.
        var prefixed: Bool
        /// The prefix's compressed flag: `bytes` are in the call's `grpc-encoding`.
        var compressed = false
        var totalLength: Int { prefixed ? bytes.count + GRPCMessageDeframer.prefixLength : bytes.count }
    }

    fileprivate struct State {
        var entries: Deque<Entry> = []
        var cursor = 0
        var pendingBytes = 0
        var headers: Metadata?
        var end: End?
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var deferred = false
        var wakeScheduled = false
    }

    /// The bytes queued in every queue of one connection, which the connection caps.
    final class ConnectionTotal: Sendable {
        private let bytes = Atomic<Int>(0)

        init() {}

        /// Bytes queued now in all the connection's queues.
        var value: Int { bytes.load(ordering: .relaxed) }

        fileprivate func add(_ count: Int) {
            if count != 0 { bytes.add(count, ordering: .relaxed) }
        }
    }

    /// Writers wait while more than this many bytes are queued.
    let highWaterMark: Int
    private let state = Mutex(State())
    private let wake: @Sendable () -> Void
    private let connectionTotal: ConnectionTotal?

    /// A queue whose writers call `wake` to get the event loop's attention; its bytes count in
    /// `connectionTotal` when given.
    init(highWaterMark: Int, connectionTotal: ConnectionTotal? = nil, wake: @escaping @Sendable () -> Void) {
        self.highWaterMark = highWaterMark
        self.connectionTotal = connectionTotal
        self.wake = wake
    }

    /// Whether bytes wait to be read.
    var hasPendingBytes: Bool { state.withLock { $0.pendingBytes > 0 } }

    // MARK: Writers (any thread)

    /// Queues a message (its gRPC prefix is added when it is sent, with the compressed flag
    /// when `compressed`); suspends while the queue is above the high-water mark. Throws once
    /// the stream is gone.
    func write(_ message: [UInt8], compressed: Bool = false) async throws {
        try enqueue(Entry(bytes: message, prefixed: true, compressed: compressed))
        try await waitForRoom()
    }

    /// Queues bytes sent as they are (a plain HTTP body).
    func writeRaw(_ bytes: [UInt8]) throws {
        try enqueue(Entry(bytes: bytes, prefixed: false))
    }

    /// Asks for response headers with `metadata` (server only; the first call wins).
    func requestHeaders(_ metadata: Metadata) throws {
        let needsWake = try state.withLock { state throws -> Bool in
            if let failure = state.failure { throw failure }
            guard state.headers == nil, state.end == nil else { return false }
            state.headers = metadata
            return state.scheduleWake()
        }
        if needsWake { wake() }
    }

    /// Ends the body; later calls are ignored (the first end wins).
    func finish(_ end: End) {
        let needsWake = state.withLock { state -> Bool in
            guard state.failure == nil, state.end == nil else { return false }
            state.end = end
            return state.scheduleWake()
        }
        if needsWake { wake() }
    }

    private func enqueue(_ entry: Entry) throws {
        let needsWake = try state.withLock { state throws -> Bool in
            if let failure = state.failure { throw failure }
            guard state.end == nil else {
                throw RPCError(code: .internal, message: "a message was written after the call ended")
            }
            state.pendingBytes += entry.totalLength
            state.entries.append(entry)
            return state.scheduleWake()
        }
        connectionTotal?.add(entry.totalLength)
        if needsWake { wake() }
    }

    private func waitForRoom() async throws {
        let mustWait = try state.withLock { state throws -> Bool in
            if let failure = state.failure { throw failure }
            return state.pendingBytes > highWaterMark
        }
        guard mustWait else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.withLock { state in
                if let failure = state.failure {
                    continuation.resume(throwing: failure)
                } else if state.pendingBytes <= highWaterMark {
                    continuation.resume()
                } else {
                    state.waiters.append(continuation)
                }
            }
        }
    }

    // MARK: The event loop

    /// Takes what a wake-up must act on and clears the pending wake-up.
    func takeWakeWork() -> WakeWork {
        state.withLock { state in
            state.wakeScheduled = false
            let work = WakeWork(
                headers: state.headers, hasMessages: !state.entries.isEmpty, end: state.end, wasDeferred: state.deferred
            )
            state.headers = nil
            state.deferred = false
            return work
        }
    }

    /// Copies queued bytes into `buffer` for a DATA frame. Returns the count and, when the
    /// queue is drained and the body has ended, that end.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, end: End?)? {
        var wokenWaiters: [CheckedContinuation<Void, any Error>] = []
        let result = state.withLock { state -> (count: Int, end: End?)? in
            var written = 0
            while written < buffer.count, let first = state.entries.first {
                written += state.copy(first, into: UnsafeMutableRawBufferPointer(rebasing: buffer[written...]))
                if state.cursor == first.totalLength {
                    state.entries.removeFirst()
                    state.cursor = 0
                }
            }
            state.pendingBytes -= written
            if !state.waiters.isEmpty, state.pendingBytes <= highWaterMark {
                swap(&wokenWaiters, &state.waiters)
            }
            if state.entries.isEmpty, let end = state.end {
                return (written, end)
            }
            if written == 0 {
                state.deferred = true
                return nil
            }
            return (written, nil)
        }
        connectionTotal?.add(-(result?.count ?? 0))
        for waiter in wokenWaiters { waiter.resume() }
        return result
    }

    /// The stream is gone: writers throw `error` from now on and waiting writers wake up.
    func fail(_ error: any Error) {
        let (waiters, dropped) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], Int) in
            if state.failure == nil { state.failure = error }
            let dropped = state.pendingBytes
            state.entries.removeAll()
            state.pendingBytes = 0
            defer { state.waiters.removeAll() }
            return (state.waiters, dropped)
        }
        connectionTotal?.add(-dropped)
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}

extension OutboundMessageQueue.State {
    /// Marks a wake-up as pending; true when the caller must perform it.
    fileprivate mutating func scheduleWake() -> Bool {
        if wakeScheduled { return false }
        wakeScheduled = true
        return true
    }

    /// Copies as much of `entry` (from the cursor on) as fits in `target`; returns the count.
    fileprivate mutating func copy(_ entry: OutboundMessageQueue.Entry, into target: UnsafeMutableRawBufferPointer)
        -> Int
    {
        var written = 0
        if entry.prefixed {
            while cursor < GRPCMessageDeframer.prefixLength, written < target.count {
                target[written] = GRPCMessageFramer.prefixByte(
                    cursor, length: entry.bytes.count, compressed: entry.compressed)
                cursor += 1
                written += 1
            }
        }
        let bodyOffset = cursor - (entry.prefixed ? GRPCMessageDeframer.prefixLength : 0)
        let take = min(entry.bytes.count - bodyOffset, target.count - written)
        if take > 0 {
            entry.bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: target[written..<(written + take)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[bodyOffset..<(bodyOffset + take)]))
            }
            cursor += take
            written += take
        }
        return written
    }
}
