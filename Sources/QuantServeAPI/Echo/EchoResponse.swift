import QuantServeGRPC
internal import QuantServeProto

/// A response of the test service `testing.v1.Echo` (`testing.v1.EchoResponse`).
public struct EchoResponse: Sendable, Hashable {
    /// The echoed text.
    public var message: String
    /// The echoed bytes.
    public var payload: [UInt8]
    /// The response's index in a stream.
    public var index: UInt32

    /// An echo response.
    public init(message: String = "", payload: [UInt8] = [], index: UInt32 = 0) {
        self.message = message
        self.payload = payload
        self.index = index
    }
}

extension EchoResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension EchoResponse: ProtobufCCodable {
    static let protobufName = "testing.v1.EchoResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Testing__V1__EchoResponse>? {
        testing__v1__echo_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Testing__V1__EchoResponse>) {
        testing__v1__echo_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Testing__V1__EchoResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        message = try ProtobufCCodec.string(c.message, field: "message", of: Self.self)
        payload = ProtobufCCodec.bytes(c.payload)
        index = c.index
    }

    func fill(_ cMessage: UnsafeMutablePointer<Testing__V1__EchoResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.message = arena.cString(message)
        cMessage.pointee.payload = arena.binary(payload)
        cMessage.pointee.index = index
    }
}
