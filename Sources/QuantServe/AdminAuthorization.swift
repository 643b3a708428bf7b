import Foundation
import QuantServeGRPC

/// Who may call the admin (ModelRegistry) RPCs, and use a READY version that is not serving:
/// with a configured token, callers that send `authorization: Bearer <token>`, from a loopback
/// peer or over TLS (a token from another machine over cleartext is refused: it has already
/// travelled readable); without a token, loopback peers only.
public struct AdminAuthorization: Sendable {
    /// The token admin callers must present, or nil to allow loopback peers only.
    public let token: String?

    public init(token: String?) {
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the call is admin-authorized (`check` would not throw).
    public func permits(_ context: ServerContext) -> Bool {
        (try? check(context)) != nil
    }

    /// Throws UNAUTHENTICATED or PERMISSION_DENIED unless the call may proceed.
    public func check(_ context: ServerContext) throws {
        guard let token else {
            guard context.peer.isLoopback else {
                throw RPCError(
                    code: .permissionDenied,
                    message:
                        "admin calls are accepted from loopback peers only when the server has no admin token (peer \(context.peer))"
                )
            }
            return
        }
        guard context.peer.isLoopback || context.transportIsSecure else {
            throw RPCError(
                code: .permissionDenied,
                message:
                    "admin calls from another machine need TLS: the token would travel in cleartext (peer \(context.peer)); "
                    + "call from this machine or over a TLS connection")
        }
        guard let header = context.metadata.first("authorization") else {
            throw RPCError(
                code: .unauthenticated, message: "admin calls need an 'authorization: Bearer <token>' header")
        }
        let prefix = "bearer "
        guard header.lowercased().hasPrefix(prefix) else {
            throw RPCError(
                code: .unauthenticated, message: "the authorization header must have the form 'Bearer <token>'")
        }
        let presented = header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        guard Self.constantTimeEqual(Array(presented.utf8), Array(token.utf8)) else {
            throw RPCError(code: .permissionDenied, message: "the admin token is not valid")
        }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
