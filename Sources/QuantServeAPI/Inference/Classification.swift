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

extension Classification: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension Classification: ProtobufCCodable {
    static let protobufName = "inference.v1.Classification"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__Classification>? {
        inference__v1__classification__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__Classification>) {
        inference__v1__classification__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__Classification>) throws(MessageDecodingError) {
        labels = try ProtobufCCodec.messages(cMessage.pointee.n_labels, cMessage.pointee.labels)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__Classification>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_labels = labels.count
        cMessage.pointee.labels = arena.messages(labels)
    }
}
