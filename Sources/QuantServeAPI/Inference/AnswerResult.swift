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

extension AnswerResult: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension AnswerResult: ProtobufCCodable {
    static let protobufName = "inference.v1.AnswerResult"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__AnswerResult>? {
        inference__v1__answer_result__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerResult>) {
        inference__v1__answer_result__init(cMessage)
    }

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
