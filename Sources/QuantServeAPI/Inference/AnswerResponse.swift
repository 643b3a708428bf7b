import QuantServeGRPC
internal import QuantServeProto

/// The answers to an `AnswerRequest`'s texts (`inference.v1.AnswerResponse`).
public struct AnswerResponse: Sendable, Hashable {
    /// The exact model version that served.
    public var model: ModelRef?
    /// One result per request text, in the request's order.
    public var results: [AnswerResult]
    /// The confidence threshold of the version that answered.
    public var threshold: Float

    /// A message with these fields.
    public init(model: ModelRef? = nil, results: [AnswerResult] = [], threshold: Float = 0) {
        self.model = model
        self.results = results
        self.threshold = threshold
    }
}

extension AnswerResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension AnswerResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.AnswerResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__AnswerResponse>? {
        inference__v1__answer_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerResponse>) {
        inference__v1__answer_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__AnswerResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        results = try ProtobufCCodec.messages(c.n_results, c.results)
        threshold = c.threshold
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.n_results = results.count
        cMessage.pointee.results = arena.messages(results)
        cMessage.pointee.threshold = threshold
    }
}
