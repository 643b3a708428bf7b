import NIOCore
import QuantServeGRPC

/// The life of one server connection as a pure state machine: events in (with the time they
/// happened), actions out. It owns every decision about the connection as a whole — the
/// handshake, idle and keepalive timers, per-stream body and stall timeouts, write
/// backpressure, the outbound byte cap, flood limits, graceful drain and a close that cannot
/// hang — while `ServerConnectionHandler` only executes the actions on its channel and
/// nghttp2 session. One timer serves all deadlines: the handler arms it for `nextDeadline`
/// and reports `tick(now:)` when it fires.
struct ServerConnectionStateMachine {
    /// The limits the machine enforces.
    struct Configuration {
        /// From accept to the first complete request HEADERS (the preface included).
        var handshakeTimeout: Duration
        /// A connection without open streams for this long gets GOAWAY and closes.
        var idleTimeout: Duration
        /// Send a PING this often (nil: never).
        var keepaliveInterval: Duration?
        /// How long a keepalive PING may go unanswered.
        var keepaliveTimeout: Duration
        /// From a request's HEADERS to its first complete message or END_STREAM.
        var requestBodyTimeout: Duration
        /// How long a stream's response may wait unsent, or the socket stay unwritable.
        var stalledTimeout: Duration
        /// How long closing may wait for the last bytes to be written before the socket is cut.
        var closeTimeout: Duration
        /// Response bytes the connection may hold for its client (queued and unwritten).
        var maxBufferedOutboundBytes: Int
        /// Frame rates beyond which the client is flooding.
        var floodLimits: FloodLimits
    }

    /// What the handler must do.
    enum Action: Equatable {
        /// Submit GOAWAY with `errorCode`; `reason` is its debug data and the log's reason.
        case sendGoAway(errorCode: UInt32, reason: String)
        /// Submit a keepalive PING.
        case sendPing
        /// End a running call with `status` (trailers), the handler's task cancelled.
        case endStream(Int32, Status)
        /// Reset a stream (RST_STREAM CANCEL) and abandon its call: the client reads nothing.
        case resetStream(Int32, reason: String)
        /// End every call still running with `status` (the grace period is over).
        case endAllStreams(Status)
        /// Write what is pending, then close; the machine cuts it after `closeTimeout`.
        case closeAfterFlush
        /// Close the socket at once, dropping unwritten bytes.
        case closeNow(reason: String)
        /// Stop reading from the socket (and so stop making new output).
        case pauseReading
        /// Read from the socket again.
        case resumeReading
    }

    /// Why a connection was refused at accept.
    struct Refusal: Equatable {
        var reason: String
    }

    /// Where the connection stands.
    enum State: Equatable {
        /// Accepted; waiting for the client preface and the first request HEADERS.
        case handshaking
        /// Serving calls.
        case active
        /// GOAWAY sent for a shutdown; open calls may finish until `deadline`.
        case draining(deadline: NIODeadline)
        /// Writing its last bytes; cut at `deadline` if they do not go out.
        case closing(deadline: NIODeadline)
        /// The channel is closed.
        case closed
    }

    /// The machine's view of one stream.
    private struct StreamClock {
        /// When the request must have delivered its first message or END_STREAM (nil: it has).
        var bodyDeadline: NIODeadline?
        /// Since when response bytes wait unsent (nil: none wait).
        var outputWaitingSince: NIODeadline?
    }

    private(set) var state = State.handshaking
    private let configuration: Configuration
    private let openedAt: NIODeadline
    private var streams: [Int32: StreamClock] = [:]
    private var idleSince: NIODeadline
    private var nextPingAt: NIODeadline?
    private var pingSentAt: NIODeadline?
    private var unwritableSince: NIODeadline?
    private var readingPaused = false
    private var bufferedOutboundBytes = 0
    private var floods: [NGHTTP2Session.ControlFrame: TokenBucket]

    init(configuration: Configuration, now: NIODeadline) {
        self.configuration = configuration
        self.openedAt = now
        self.idleSince = now
        let limits = configuration.floodLimits
        floods = [
            .ping: TokenBucket(burst: limits.ping.burst, perSecond: limits.ping.perSecond),
            .settings: TokenBucket(burst: limits.settings.burst, perSecond: limits.settings.perSecond),
            .resetStream: TokenBucket(burst: limits.resetStream.burst, perSecond: limits.resetStream.perSecond),
            .priority: TokenBucket(burst: limits.priority.burst, perSecond: limits.priority.perSecond),
            .emptyData: TokenBucket(burst: limits.emptyData.burst, perSecond: limits.emptyData.perSecond),
        ]
    }

    /// Open streams the machine tracks.
    var openStreamCount: Int { streams.count }

    /// Whether received bytes are still processed (not once the connection closes).
    var acceptsInput: Bool { isOpen }

    // MARK: Connection events

    /// The channel became active; `refusal` is set when the server is over a connection limit.
    mutating func accepted(now: NIODeadline, refusal: Refusal?) -> [Action] {
        if let refusal {
            return close(now: now, goAway: (NGHTTP2Session.ErrorCode.enhanceYourCalm, refusal.reason))
        }
        if let interval = configuration.keepaliveInterval { nextPingAt = now + TimeAmount(interval) }
        return []
    }

    /// A request's HEADERS arrived: a new stream.
    mutating func streamOpened(_ streamID: Int32, now: NIODeadline) {
        switch state {
        case .handshaking:
            state = .active
        case .active, .draining:
            break
        case .closing, .closed:
            return
        }
        streams[streamID] = StreamClock(bodyDeadline: now + TimeAmount(configuration.requestBodyTimeout))
    }

    /// The request delivered its first complete message or ended: its body timer stops.
    mutating func requestArrived(_ streamID: Int32) {
        streams[streamID]?.bodyDeadline = nil
    }

    /// A call queued response bytes that wait for the client's flow-control window.
    mutating func responseQueued(_ streamID: Int32, now: NIODeadline) {
        guard streams[streamID] != nil, streams[streamID]?.outputWaitingSince == nil else { return }
        streams[streamID]?.outputWaitingSince = now
    }

    /// Response bytes of a stream went out; `drained` when none wait any more.
    mutating func responseSent(_ streamID: Int32, now: NIODeadline, drained: Bool) {
        guard streams[streamID] != nil else { return }
        streams[streamID]?.outputWaitingSince = drained ? nil : now
    }

    /// A stream closed (answered, reset or refused).
    mutating func streamClosed(_ streamID: Int32, now: NIODeadline) -> [Action] {
        guard streams.removeValue(forKey: streamID) != nil, streams.isEmpty else { return [] }
        idleSince = now
        if case .draining = state {
            return close(now: now, goAway: nil)
        }
        return []
    }

    /// The client answered our keepalive PING.
    mutating func pingAcknowledged() {
        pingSentAt = nil
    }

    /// A frame that carries no call forward arrived; past its rate the client is flooding.
    mutating func frameReceived(_ frame: NGHTTP2Session.ControlFrame, now: NIODeadline) -> [Action] {
        guard isOpen, floods[frame]?.take(now: now) == false else { return [] }
        return close(now: now, goAway: (NGHTTP2Session.ErrorCode.enhanceYourCalm, "too many \(frame.name) frames"))
    }

    /// The channel's writability changed (its outbound buffer crossed a water mark).
    mutating func writabilityChanged(_ writable: Bool, now: NIODeadline) -> [Action] {
        unwritableSince = writable ? nil : (unwritableSince ?? now)
        guard isOpen || isClosing else { return [] }
        return updateReading()
    }

    /// Response bytes held for the client changed: queued in calls plus handed to the channel
    /// and not yet written. Past the cap the client is not reading; the connection is cut.
    mutating func outboundBytesChanged(to bytes: Int) -> [Action] {
        bufferedOutboundBytes = bytes
        guard bytes > configuration.maxBufferedOutboundBytes, state != .closed else { return [] }
        state = .closed
        return [
            .closeNow(
                reason: "the client left more than \(configuration.maxBufferedOutboundBytes) response bytes unread")
        ]
    }

    /// The session ended on its own (a protocol error or both sides done): close once written.
    mutating func sessionFinished(now: NIODeadline) -> [Action] {
        guard isOpen else { return [] }
        return close(now: now, goAway: nil)
    }

    /// The server shuts down: GOAWAY now; open calls may run until `deadline`.
    mutating func shutdownRequested(deadline: NIODeadline, now: NIODeadline) -> [Action] {
        switch state {
        case .handshaking:
            return close(now: now, goAway: (NGHTTP2Session.ErrorCode.noError, "server shutting down"))
        case .active:
            if streams.isEmpty {
                return close(now: now, goAway: (NGHTTP2Session.ErrorCode.noError, "server shutting down"))
            }
            state = .draining(deadline: deadline)
            return [.sendGoAway(errorCode: NGHTTP2Session.ErrorCode.noError, reason: "server shutting down")]
        case .draining, .closing, .closed:
            return []
        }
    }

    /// The channel closed.
    mutating func channelClosed() {
        state = .closed
        streams.removeAll()
    }

    // MARK: Time

    /// The earliest instant at which `tick` has something to do (nil: none).
    var nextDeadline: NIODeadline? {
        let next = earliestDeadline
        return next == .distantFuture ? nil : next
    }

    private var earliestDeadline: NIODeadline {
        switch state {
        case .handshaking:
            return min(openedAt + TimeAmount(configuration.handshakeTimeout), unwritableDeadline ?? .distantFuture)
        case .active:
            var next = streamDeadline ?? .distantFuture
            if streams.isEmpty { next = min(next, idleSince + TimeAmount(configuration.idleTimeout)) }
            if let pingSentAt {
                next = min(next, pingSentAt + TimeAmount(configuration.keepaliveTimeout))
            } else if let nextPingAt {
                next = min(next, nextPingAt)
            }
            return min(next, unwritableDeadline ?? .distantFuture)
        case .draining(let deadline):
            return min(deadline, streamDeadline ?? .distantFuture, unwritableDeadline ?? .distantFuture)
        case .closing(let deadline):
            return deadline
        case .closed:
            return .distantFuture
        }
    }

    /// The timer fired: acts on every deadline that has passed.
    mutating func tick(now: NIODeadline) -> [Action] {
        if let unwritableDeadline, unwritableDeadline <= now, state != .closed {
            state = .closed
            return [.closeNow(reason: "the client read nothing for \(configuration.stalledTimeout)")]
        }
        switch state {
        case .handshaking:
            guard openedAt + TimeAmount(configuration.handshakeTimeout) <= now else { return [] }
            return close(
                now: now,
                goAway: (
                    NGHTTP2Session.ErrorCode.noError,
                    "no request within \(configuration.handshakeTimeout) of connecting"
                ))
        case .active:
            var actions = expireStreams(now: now)
            if streams.isEmpty, idleSince + TimeAmount(configuration.idleTimeout) <= now {
                return actions + close(now: now, goAway: (NGHTTP2Session.ErrorCode.noError, "idle timeout"))
            }
            if let pingSentAt {
                if pingSentAt + TimeAmount(configuration.keepaliveTimeout) <= now {
                    return actions
                        + close(now: now, goAway: (NGHTTP2Session.ErrorCode.noError, "keepalive PING unanswered"))
                }
            } else if let nextPingAt, let interval = configuration.keepaliveInterval, nextPingAt <= now {
                pingSentAt = now
                self.nextPingAt = now + TimeAmount(interval)
                actions.append(.sendPing)
            }
            return actions
        case .draining(let deadline):
            if deadline <= now {
                return [.endAllStreams(Status(code: .unavailable, message: "the server is shutting down"))]
                    + close(now: now, goAway: nil)
            }
            return expireStreams(now: now)
        case .closing(let deadline):
            guard deadline <= now else { return [] }
            state = .closed
            return [.closeNow(reason: "the client did not take the last bytes within \(configuration.closeTimeout)")]
        case .closed:
            return []
        }
    }

    // MARK: Helpers

    private var isOpen: Bool {
        switch state {
        case .handshaking, .active, .draining: true
        case .closing, .closed: false
        }
    }

    private var isClosing: Bool {
        if case .closing = state { return true }
        return false
    }

    private var unwritableDeadline: NIODeadline? {
        unwritableSince.map { $0 + TimeAmount(configuration.stalledTimeout) }
    }

    private var streamDeadline: NIODeadline? {
        var next: NIODeadline?
        for clock in streams.values {
            if let body = clock.bodyDeadline { next = min(next ?? body, body) }
            if let waiting = clock.outputWaitingSince {
                let stalled = waiting + TimeAmount(configuration.stalledTimeout)
                next = min(next ?? stalled, stalled)
            }
        }
        return next
    }

    /// Ends streams whose body is late and resets those whose client stopped reading.
    private mutating func expireStreams(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        for (streamID, clock) in streams.sorted(by: { $0.key < $1.key }) {
            if let body = clock.bodyDeadline, body <= now {
                streams[streamID]?.bodyDeadline = nil
                actions.append(
                    .endStream(
                        streamID,
                        Status(
                            code: .deadlineExceeded,
                            message:
                                "the request message did not arrive within \(configuration.requestBodyTimeout) (server limit)"
                        )))
            }
            if let waiting = clock.outputWaitingSince, waiting + TimeAmount(configuration.stalledTimeout) <= now {
                streams[streamID]?.outputWaitingSince = nil
                actions.append(
                    .resetStream(
                        streamID, reason: "the client read none of its response for \(configuration.stalledTimeout)"))
            }
        }
        return actions
    }

    /// Enters `closing`: optionally GOAWAY, then write and close, cut after `closeTimeout`.
    private mutating func close(now: NIODeadline, goAway: (errorCode: UInt32, reason: String)?) -> [Action] {
        guard isOpen else { return [] }
        state = .closing(deadline: now + TimeAmount(configuration.closeTimeout))
        var actions: [Action] = []
        if let goAway { actions.append(.sendGoAway(errorCode: goAway.errorCode, reason: goAway.reason)) }
        actions.append(.closeAfterFlush)
        return actions + updateReading()
    }

    /// Reading runs only while the connection is open and its socket writable.
    private mutating func updateReading() -> [Action] {
        let shouldPause = unwritableSince != nil || !isOpen
        guard shouldPause != readingPaused else { return [] }
        readingPaused = shouldPause
        return [shouldPause ? .pauseReading : .resumeReading]
    }
}

extension NGHTTP2Session.ControlFrame {
    /// The frame type's name as the GOAWAY debug data and the log give it.
    var name: String {
        switch self {
        case .ping: "PING"
        case .settings: "SETTINGS"
        case .resetStream: "RST_STREAM"
        case .priority: "PRIORITY"
        case .emptyData: "empty DATA"
        }
    }
}
