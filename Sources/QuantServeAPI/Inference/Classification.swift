import QuantServeGRPC
internal import QuantServeProto

/// The best labels of one text, best first (`inference.v1.Classification`).
public struct Classification: Sendable, Hashable {
    /// Up to `top_k` labels, best first.
    public var labels: [LabelScore]

    /// A classification with these labels.
    public init(labels: [LabelScore] = []) {
        self.labels = labels
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension Classification {
    init(cMessage: UnsafePointer<Inference__V1__Classification>) throws(MessageDecodingError) {
        labels = try ProtobufCCodec.messages(cMessage.pointee.n_labels, cMessage.pointee.labels)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__Classification>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_labels = labels.count
        cMessage.pointee.labels = arena.messages(labels)
    }
}
