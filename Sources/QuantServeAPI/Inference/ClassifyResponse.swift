import QuantServeGRPC
internal import QuantServeProto

/// The classifications of a `ClassifyRequest`'s texts (`inference.v1.ClassifyResponse`).
public struct ClassifyResponse: Sendable, Hashable {
    /// The exact model version that served.
    public var model: ModelRef?
    /// One classification per request text, in the request's order.
    public var results: [Classification]
    /// The label set that classified.
    public var head: String

    /// A response with these results.
    public init(model: ModelRef? = nil, results: [Classification] = [], head: String = "") {
        self.model = model
        self.results = results
        self.head = head
    }
}

extension ClassifyResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ClassifyResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.ClassifyResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ClassifyResponse>? {
        inference__v1__classify_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ClassifyResponse>) {
        inference__v1__classify_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ClassifyResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        results = try ProtobufCCodec.messages(c.n_results, c.results)
        head = try ProtobufCCodec.string(c.head, field: "head", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ClassifyResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.n_results = results.count
        cMessage.pointee.results = arena.messages(results)
        cMessage.pointee.head = arena.cString(head)
    }
}
