import QuantServeGRPC
internal import QuantServeProto

/// One L2-normalized sentence embedding (`inference.v1.Embedding`).
public struct Embedding: Sendable, Hashable {
    /// The embedding's components.
    public var values: [Float]
    /// How many tokens the text became (after truncation).
    public var tokenCount: UInt32

    /// An embedding with these components.
    public init(values: [Float] = [], tokenCount: UInt32 = 0) {
        self.values = values
        self.tokenCount = tokenCount
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension Embedding {
    init(cMessage: UnsafePointer<Inference__V1__Embedding>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        values = ProtobufCCodec.array(c.n_values, c.values)
        tokenCount = c.token_count
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__Embedding>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_values = values.count
        cMessage.pointee.values = arena.array(values)
        cMessage.pointee.token_count = tokenCount
    }
}
