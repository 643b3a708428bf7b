import QuantServeGRPC
internal import QuantServeProto

/// One turn of a chat (`inference.v1.ChatMessage`).
public struct ChatMessage: Sendable, Hashable {
    /// "system", "user" or "assistant".
    public var role: String
    public var content: String

    /// A message with these fields.
    public init(role: String = "", content: String = "") {
        self.role = role
        self.content = content
    }
}

extension ChatMessage: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ChatMessage: ProtobufCCodable {
    static let protobufName = "inference.v1.ChatMessage"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ChatMessage>? {
        inference__v1__chat_message__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ChatMessage>) {
        inference__v1__chat_message__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ChatMessage>) throws(MessageDecodingError) {
        role = try ProtobufCCodec.string(cMessage.pointee.role, field: "role", of: Self.self)
        content = try ProtobufCCodec.string(cMessage.pointee.content, field: "content", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ChatMessage>, arena: inout ProtobufCArena) {
        cMessage.pointee.role = arena.cString(role)
        cMessage.pointee.content = arena.cString(content)
    }
}
