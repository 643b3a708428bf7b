import QuantServeGRPC
internal import QuantServeProto

/// Asks for the serving status of a service (`grpc.health.v1.HealthCheckRequest`).
public struct HealthCheckRequest: Sendable, Hashable {
    /// The service name; empty for the server as a whole.
    public var service: String

    /// A request for `service`'s status.
    public init(service: String = "") {
        self.service = service
    }
}

extension HealthCheckRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension HealthCheckRequest: ProtobufCCodable {
    static let protobufName = "grpc.health.v1.HealthCheckRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Grpc__Health__V1__HealthCheckRequest>? {
        grpc__health__v1__health_check_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Health__V1__HealthCheckRequest>) {
        grpc__health__v1__health_check_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Health__V1__HealthCheckRequest>) throws(MessageDecodingError) {
        service = try ProtobufCCodec.string(cMessage.pointee.service, field: "service", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Health__V1__HealthCheckRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.service = arena.cString(service)
    }
}
