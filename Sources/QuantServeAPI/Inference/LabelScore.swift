import QuantServeGRPC
internal import QuantServeProto

/// One intent label and its score (`inference.v1.LabelScore`).
public struct LabelScore: Sendable, Hashable {
    /// The intent's name.
    public var label: String
    /// Cosine similarity of the text to the intent's centroid.
    public var score: Float

    /// A label with its score.
    public init(label: String = "", score: Float = 0) {
        self.label = label
        self.score = score
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension LabelScore {
    init(cMessage: UnsafePointer<Inference__V1__LabelScore>) throws(MessageDecodingError) {
        label = try ProtobufCCodec.string(cMessage.pointee.label, field: "label", of: Self.self)
        score = cMessage.pointee.score
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__LabelScore>, arena: inout ProtobufCArena) {
        cMessage.pointee.label = arena.cString(label)
        cMessage.pointee.score = score
    }
}
