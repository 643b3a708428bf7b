import QuantServeGRPC
internal import QuantServeProto

/// The matches of one text, best first (`inference.v1.AnswerResult`).
public struct AnswerResult: Sendable, Hashable {
    /// Up to `top_k` entries, best first.
    public var matches: [AnswerMatch]
    /// Whether the best match reaches the version's threshold.
    public var confident: Bool

    /// A message with these fields.
    public init(matches: [AnswerMatch] = [], confident: Bool = false) {
        self.matches = matches
        self.confident = confident
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension AnswerResult {
    init(cMessage: UnsafePointer<Inference__V1__AnswerResult>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        matches = try ProtobufCCodec.messages(c.n_matches, c.matches)
        confident = c.confident != 0
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerResult>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_matches = matches.count
        cMessage.pointee.matches = arena.messages(matches)
        cMessage.pointee.confident = confident ? 1 : 0
    }
}
