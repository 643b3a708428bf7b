/// Handles one call at the transport's level: serialized request messages in, serialized
/// response messages out, trailing metadata returned. Returning ends the call with OK;
/// throwing an `RPCErrorConvertible` (such as `RPCError`) ends it with that error's status,
/// `CancellationError` with CANCELLED, and any other error with INTERNAL "internal error"
/// (its text goes only to the server's log; see `RPCError(endingCallWith:)`).
public typealias RPCHandler =
    @Sendable (
        _ request: RPCRequestStream<[UInt8]>,
        _ response: RPCResponseWriter<[UInt8]>,
        _ context: ServerContext
    ) async throws -> Metadata

/// A set of methods a service offers. Services register their methods in a router.
public protocol RPCService: Sendable {
    /// Adds this service's methods to `router`.
    func register(in router: inout RPCRouter)
}

/// Maps each method path to its handler. Built once before the server starts.
public struct RPCRouter: Sendable {
    private var handlers: [String: RPCHandler] = [:]

    public init() {}

    /// A router with every method of `services`.
    public init(services: [any RPCService]) {
        for service in services { service.register(in: &self) }
    }

    /// Registers (or replaces) the handler of `method`.
    public mutating func register(_ method: MethodDescriptor, handler: @escaping RPCHandler) {
        handlers[method.path] = handler
    }

    /// The handler of a `:path`, or nil when no such method is registered.
    public func handler(forPath path: String) -> RPCHandler? {
        handlers[path]
    }

    /// Every registered method.
    public var methods: [MethodDescriptor] {
        handlers.keys.sorted().compactMap(MethodDescriptor.init(path:))
    }
}
