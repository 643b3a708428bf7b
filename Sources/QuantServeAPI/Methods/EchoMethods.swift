import QuantServeGRPC

/// The methods of the test service `testing.v1.Echo`, one per call shape.
public enum EchoMethods {
    /// The fully qualified service name.
    public static let service = "testing.v1.Echo"
    /// `Get` (unary): `EchoRequest` → `EchoResponse`.
    public static let get = MethodDescriptor(service: service, method: "Get")
    /// `Expand` (server streaming): `EchoRequest` → `count` `EchoResponse`s.
    public static let expand = MethodDescriptor(service: service, method: "Expand")
    /// `Collect` (client streaming): a stream of `EchoRequest` → one `EchoResponse`.
    public static let collect = MethodDescriptor(service: service, method: "Collect")
    /// `Update` (bidirectional streaming): one `EchoResponse` per `EchoRequest`.
    public static let update = MethodDescriptor(service: service, method: "Update")
    /// Every method of the service.
    public static let all = [get, expand, collect, update]
}
