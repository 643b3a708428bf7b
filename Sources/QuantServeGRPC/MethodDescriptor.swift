/// Names one RPC method: the fully qualified service (`grpc.health.v1.Health`) and the method
/// (`Check`). On the wire it is the HTTP/2 `:path`, `/grpc.health.v1.Health/Check`.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    public var service: String
    public var method: String

    public init(service: String, method: String) {
        self.service = service
        self.method = method
    }

    /// Parses a `:path`; nil unless it has the form `/service/method`.
    public init?(path: String) {
        guard path.hasPrefix("/") else { return nil }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.service = String(parts[0])
        self.method = String(parts[1])
    }

    /// The HTTP/2 `:path` of the method.
    public var path: String { "/\(service)/\(method)" }

    public var description: String { path }
}
