import NIOCore

/// The session↔channel pump the server's and the client's connection handlers share. Bytes read
/// from the channel go into the nghttp2 session during a read burst; what the session has to send
/// is written once, at the burst's end, or on the next event-loop turn when it appears outside a
/// burst (a call started, a response queued, a timer fired) — never from inside an nghttp2 callback.
protocol SessionPumping: AnyObject, SendableMetatype {
    /// Whether a read burst is under way and whether a flush is already scheduled.
    var pump: SessionPump { get set }
    /// The handler bound to its event loop; nil once it left the pipeline.
    var loopSelf: NIOLoopBound<Self>? { get }
    /// Writes what the session has to send (the handler's own policy: chunking, closing).
    func flush()
}

/// The state of a `SessionPumping` handler's pump.
struct SessionPump {
    fileprivate var inReadBurst = false
    fileprivate var flushScheduled = false
}

extension SessionPumping {
    /// Bytes from the channel arrive: what the session answers waits for the burst's end.
    func readBurstBegins() {
        pump.inReadBurst = true
    }

    /// The channel's read burst ended: everything the session has to send goes out in one write.
    func readBurstEnded() {
        pump.inReadBurst = false
        flush()
    }

    /// Writes whatever the session has to send, unless a read burst will do it at its end.
    func scheduleFlush() {
        guard !pump.inReadBurst, !pump.flushScheduled, let loopSelf else { return }
        pump.flushScheduled = true
        loopSelf.eventLoop.execute {
            let handler = loopSelf.value
            handler.pump.flushScheduled = false
            handler.flush()
        }
    }
}

extension NGHTTP2Session {
    /// The frames the session has to send (at most about `maxBytes`), in one buffer from
    /// `allocator`, or nil when it has none; `healthy` is false when the session failed.
    func pendingOutput(allocator: ByteBufferAllocator, maxBytes: Int = .max) -> (buffer: ByteBuffer?, healthy: Bool) {
        var buffer: ByteBuffer?
        let healthy = send(maxBytes: maxBytes) { chunk in
            if buffer == nil { buffer = allocator.buffer(capacity: max(chunk.count, 4096)) }
            buffer!.writeBytes(chunk)
        }
        return (buffer, healthy)
    }
}
