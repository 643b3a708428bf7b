import QuantServeGRPC
internal import QuantServeProto

/// The token ids of one text (`inference.v1.TokenIds`).
public struct TokenIds: Sendable, Hashable {
    /// The ids, special tokens included, exactly as the model's tokenizer makes them.
    public var ids: [UInt32]

    /// These token ids.
    public init(ids: [UInt32] = []) {
        self.ids = ids
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension TokenIds {
    init(cMessage: UnsafePointer<Inference__V1__TokenIds>) throws(MessageDecodingError) {
        ids = ProtobufCCodec.array(cMessage.pointee.n_ids, cMessage.pointee.ids)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenIds>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_ids = ids.count
        cMessage.pointee.ids = arena.array(ids)
    }
}
