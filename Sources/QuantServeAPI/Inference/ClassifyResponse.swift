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

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ClassifyResponse {
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
