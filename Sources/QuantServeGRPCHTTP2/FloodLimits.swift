/// How many frames of each kind that carry no call forward a client may send before the
/// server calls it a flood and ends the connection with GOAWAY(ENHANCE_YOUR_CALM): the
/// PING, SETTINGS, RST_STREAM, PRIORITY and empty-DATA floods of CVE-2019-9512/9515/9518 and
/// the rapid reset of CVE-2023-44487. Each is a token bucket (`burst`, then `perSecond`).
public struct FloodLimits: Sendable, Equatable {
    /// A rate: `burst` frames at once, `perSecond` in the long run.
    public struct Rate: Sendable, Equatable {
        public var burst: Int
        public var perSecond: Int

        public init(burst: Int, perSecond: Int) {
            self.burst = burst
            self.perSecond = perSecond
        }
    }

    /// PING frames (not ACKs of ours).
    public var ping: Rate
    /// SETTINGS frames (not ACKs).
    public var settings: Rate
    /// RST_STREAM frames; also nghttp2's own reset limiter, at twice this rate as a backstop.
    public var resetStream: Rate
    /// PRIORITY frames.
    public var priority: Rate
    /// DATA frames with no payload and no END_STREAM.
    public var emptyData: Rate
    /// CONTINUATION frames one header block may span (nghttp2 enforces it).
    public var maxContinuations: Int
    /// SETTINGS ACK, PING ACK and RST_STREAM frames nghttp2 may hold for a client that does
    /// not read before it ends the session (nghttp2 enforces it).
    public var maxQueuedControlFrames: Int

    /// Limits a well-behaved gRPC client never reaches (grpcio's keepalive and BDP pings stay
    /// far below them).
    public init(
        ping: Rate = Rate(burst: 200, perSecond: 20),
        settings: Rate = Rate(burst: 50, perSecond: 5),
        resetStream: Rate = Rate(burst: 500, perSecond: 50),
        priority: Rate = Rate(burst: 200, perSecond: 20),
        emptyData: Rate = Rate(burst: 100, perSecond: 10),
        maxContinuations: Int = 8,
        maxQueuedControlFrames: Int = 1000
    ) {
        self.ping = ping
        self.settings = settings
        self.resetStream = resetStream
        self.priority = priority
        self.emptyData = emptyData
        self.maxContinuations = maxContinuations
        self.maxQueuedControlFrames = maxQueuedControlFrames
    }
}
