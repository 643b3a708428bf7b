import GRPCCore
internal import QuantServeProto

/// Asks for the token ids of each text (`inference.v1.TokenizeRequest`).
public struct TokenizeRequest: Sendable, Hashable {
    /// The model whose tokenizer to use; nil (or an empty reference) for the default model.
    public var model: ModelRef?
    /// The texts to tokenize, in order.
    public var texts: [String]

    /// A request to tokenize `texts` with `model`'s tokenizer.
    public init(model: ModelRef? = nil, texts: [String] = []) {
        self.model = model
        self.texts = texts
    }
}

extension TokenizeRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension TokenizeRequest: ProtobufCCodable {
    static let protobufName = "inference.v1.TokenizeRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__TokenizeRequest>? {
        inference__v1__tokenize_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenizeRequest>) {
        inference__v1__tokenize_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__TokenizeRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        texts = try ProtobufCCodec.strings(c.n_texts, c.texts, field: "texts", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenizeRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.n_texts = texts.count
        cMessage.pointee.texts = arena.cStrings(texts)
    }
}
