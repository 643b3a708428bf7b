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

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension HealthCheckRequest {
    init(cMessage: UnsafePointer<Grpc__Health__V1__HealthCheckRequest>) throws(MessageDecodingError) {
        service = try ProtobufCCodec.string(cMessage.pointee.service, field: "service", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Health__V1__HealthCheckRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.service = arena.cString(service)
    }
}
