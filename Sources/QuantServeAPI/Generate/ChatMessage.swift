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

/// The field mapping to protoc-c's structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ChatMessage {
    init(cMessage: UnsafePointer<Inference__V1__ChatMessage>) throws(MessageDecodingError) {
        role = try ProtobufCCodec.string(cMessage.pointee.role, field: "role", of: Self.self)
        content = try ProtobufCCodec.string(cMessage.pointee.content, field: "content", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ChatMessage>, arena: inout ProtobufCArena) {
        cMessage.pointee.role = arena.cString(role)
        cMessage.pointee.content = arena.cString(content)
    }
}
