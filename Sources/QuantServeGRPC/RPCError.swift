/// A failed RPC: a non-OK status code, a message a person can act on, and the trailing
/// metadata that came with it. Handlers throw it; clients receive it.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Status.Code
    public var message: String
    public var metadata: Metadata

    public init(code: Status.Code, message: String, metadata: Metadata = [:]) {
        precondition(code != .ok, "an RPCError cannot carry the OK status")
        self.code = code
        self.message = message
        self.metadata = metadata
    }

    /// The error as a status.
    public var status: Status { Status(code: code, message: message) }

    public var description: String { "\(code): \(message)" }
}
