import QuantServeGRPC
internal import QuantServeProto

/// A request to the test service `testing.v1.Echo` (`testing.v1.EchoRequest`).
public struct EchoRequest: Sendable, Hashable {
    /// The text to echo (or the status message when `failWithCode` is set).
    public var message: String
    /// How long the server sleeps before answering, in milliseconds; it honours deadlines
    /// and cancellation while it sleeps.
    public var delayMs: UInt32
    /// When not zero, the gRPC status code the call fails with, with `message` as the status message.
    public var failWithCode: UInt32
    /// Server streaming: how many responses to send.
    public var count: UInt32
    /// Bytes to echo.
    public var payload: [UInt8]

    /// An echo request.
    public init(
        message: String = "", delayMs: UInt32 = 0, failWithCode: UInt32 = 0, count: UInt32 = 0, payload: [UInt8] = []
    ) {
        self.message = message
        self.delayMs = delayMs
        self.failWithCode = failWithCode
        self.count = count
        self.payload = payload
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension EchoRequest {
    init(cMessage: UnsafePointer<Testing__V1__EchoRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        message = try ProtobufCCodec.string(c.message, field: "message", of: Self.self)
        delayMs = c.delay_ms
        failWithCode = c.fail_with_code
        count = c.count
        payload = ProtobufCCodec.bytes(c.payload)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Testing__V1__EchoRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.message = arena.cString(message)
        cMessage.pointee.delay_ms = delayMs
        cMessage.pointee.fail_with_code = failWithCode
        cMessage.pointee.count = count
        cMessage.pointee.payload = arena.binary(payload)
    }
}
