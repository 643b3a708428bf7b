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

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension HealthCheckResponse {
    init(cMessage: UnsafePointer<Grpc__Health__V1__HealthCheckResponse>) throws(MessageDecodingError) {
        status = ServingStatus(rawValue: Int32(truncatingIfNeeded: cMessage.pointee.status.rawValue))
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Health__V1__HealthCheckResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.status = Grpc__Health__V1__HealthCheckResponse__ServingStatus(
            rawValue: .init(truncatingIfNeeded: status.rawValue))
    }
}
