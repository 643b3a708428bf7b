import QuantServeGRPC

/// The methods of gRPC server reflection, in both the published versions: `grpc.reflection.v1`
/// and its predecessor `grpc.reflection.v1alpha` (which grpcurl still speaks). Their messages are
/// identical field for field, so both carry `ServerReflectionRequest` / `ServerReflectionResponse`.
public enum ReflectionMethods {
    /// The fully qualified name of the v1 service.
    public static let serviceV1 = "grpc.reflection.v1.ServerReflection"
    /// The fully qualified name of the v1alpha service.
    public static let serviceV1Alpha = "grpc.reflection.v1alpha.ServerReflection"
    /// `ServerReflectionInfo` of v1 (bidirectional streaming).
    public static let infoV1 = MethodDescriptor(service: serviceV1, method: "ServerReflectionInfo")
    /// `ServerReflectionInfo` of v1alpha (bidirectional streaming).
    public static let infoV1Alpha = MethodDescriptor(service: serviceV1Alpha, method: "ServerReflectionInfo")
    /// Every method of both services.
    public static let all = [infoV1, infoV1Alpha]
}
