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

extension LabelScore: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension LabelScore: ProtobufCCodable {
    static let protobufName = "inference.v1.LabelScore"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__LabelScore>? {
        inference__v1__label_score__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__LabelScore>) {
        inference__v1__label_score__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__LabelScore>) throws(MessageDecodingError) {
        label = try ProtobufCCodec.string(cMessage.pointee.label, field: "label", of: Self.self)
        score = cMessage.pointee.score
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__LabelScore>, arena: inout ProtobufCArena) {
        cMessage.pointee.label = arena.cString(label)
        cMessage.pointee.score = score
    }
}
