import QuantServeGRPC

/// The methods of the standard health service `grpc.health.v1.Health`.
public enum HealthMethods {
    /// The fully qualified service name.
    public static let service = "grpc.health.v1.Health"
    /// `Check` (unary): `HealthCheckRequest` → `HealthCheckResponse`.
    public static let check = MethodDescriptor(service: service, method: "Check")
    /// `Watch` (server streaming): `HealthCheckRequest` → a stream of `HealthCheckResponse`.
    public static let watch = MethodDescriptor(service: service, method: "Watch")
    /// Every method of the service.
    public static let all = [check, watch]
}
