import QuantServeGRPC
internal import QuantServeProto

/// A service's serving status (`grpc.health.v1.HealthCheckResponse`).
public struct HealthCheckResponse: Sendable, Hashable {
    /// The status.
    public var status: ServingStatus

    /// A response with `status`.
    public init(status: ServingStatus = .unknown) {
        self.status = status
    }
}

extension HealthCheckResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension HealthCheckResponse: ProtobufCCodable {
    static let protobufName = "grpc.health.v1.HealthCheckResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Grpc__Health__V1__HealthCheckResponse>? {
        grpc__health__v1__health_check_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Health__V1__HealthCheckResponse>) {
        grpc__health__v1__health_check_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Health__V1__HealthCheckResponse>) throws(MessageDecodingError) {
        status = ServingStatus(rawValue: Int32(truncatingIfNeeded: cMessage.pointee.status.rawValue))
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Health__V1__HealthCheckResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.status = Grpc__Health__V1__HealthCheckResponse__ServingStatus(rawValue: .init(truncatingIfNeeded: status.rawValue))
    }
}
