import QuantServeGRPC
internal import QuantServeProto

/// One knowledge-base entry and how close a text is to it (`inference.v1.AnswerMatch`).
public struct AnswerMatch: Sendable, Hashable {
    /// The entry's identifier.
    public var id: String
    /// Cosine similarity of the text to the entry's closest question variant.
    public var score: Float
    /// The entry's answer text.
    public var answer: String
    /// The question variant that matched best.
    public var question: String
    /// The entry's language tag.
    public var language: String

    /// A message with these fields.
    public init(id: String = "", score: Float = 0, answer: String = "", question: String = "", language: String = "") {
        self.id = id
        self.score = score
        self.answer = answer
        self.question = question
        self.language = language
    }
}

extension AnswerMatch: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension AnswerMatch: ProtobufCCodable {
    static let protobufName = "inference.v1.AnswerMatch"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__AnswerMatch>? {
        inference__v1__answer_match__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerMatch>) {
        inference__v1__answer_match__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__AnswerMatch>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        id = try ProtobufCCodec.string(c.id, field: "id", of: Self.self)
        score = c.score
        answer = try ProtobufCCodec.string(c.answer, field: "answer", of: Self.self)
        question = try ProtobufCCodec.string(c.question, field: "question", of: Self.self)
        language = try ProtobufCCodec.string(c.language, field: "language", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerMatch>, arena: inout ProtobufCArena) {
        cMessage.pointee.id = arena.cString(id)
        cMessage.pointee.score = score
        cMessage.pointee.answer = arena.cString(answer)
        cMessage.pointee.question = arena.cString(question)
        cMessage.pointee.language = arena.cString(language)
    }
}
