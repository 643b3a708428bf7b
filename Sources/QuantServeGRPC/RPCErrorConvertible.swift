/// An error that knows the gRPC status it ends a call with: a code, a message a person can
/// act on, and optional trailing metadata. Handlers throw such errors as they are; the server
/// converts them once, where it runs the handler (`RPCError(endingCallWith:)`).
public protocol RPCErrorConvertible: Error {
    /// The status code the client receives; never `.ok`.
    var rpcErrorCode: Status.Code { get }
    /// The status message the client receives.
    var rpcErrorMessage: String { get }
    /// Trailing metadata sent with the status; none unless the error says so.
    var rpcErrorMetadata: Metadata { get }
}

extension RPCErrorConvertible {
    public var rpcErrorMetadata: Metadata { [:] }

    /// The error as the `RPCError` a client receives.
    public var rpcError: RPCError {
        RPCError(code: rpcErrorCode, message: rpcErrorMessage, metadata: rpcErrorMetadata)
    }
}

extension RPCError: RPCErrorConvertible {
    public var rpcErrorCode: Status.Code { code }
    public var rpcErrorMessage: String { message }
    public var rpcErrorMetadata: Metadata { metadata }
    public var rpcError: RPCError { self }
}

extension RPCError {
    /// The status of a call whose handler failed unexpectedly. Its message is generic on
    /// purpose: the error's text may hold server internals, so it goes only to the log.
    public static let unexpectedFailure = RPCError(code: .internal, message: "internal error")

    /// The error a call ends with when its handler throws `error`: the status an
    /// `RPCErrorConvertible` carries, CANCELLED for a `CancellationError`, and nil for any other
    /// error — an unexpected failure, which the caller logs and ends with `unexpectedFailure`.
    public init?(endingCallWith error: any Error) {
        switch error {
        case let error as any RPCErrorConvertible:
            self = error.rpcError
        case is CancellationError:
            self = RPCError(code: .cancelled, message: "the call was cancelled")
        default:
            return nil
        }
    }
}
