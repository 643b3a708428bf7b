/// Where a request's time went on the server, sent back as response metadata.
public struct RequestTimings: Sendable, Hashable {
    public var queueMicroseconds: Int = 0
    public var tokenizeMicroseconds: Int = 0
    public var computeMicroseconds: Int = 0
    /// Sequences in the batch that computed this request.
    public var batchSequences: Int = 0

    public init() {}
}
