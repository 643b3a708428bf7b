import NIOCore
import NIOSSL
import NIOTLS

/// Puts TLS in front of a connection's gRPC handler: the NIOSSL handler first, then a check
/// that the handshake agreed on HTTP/2. Everything behind them (the nghttp2 session, the
/// connection's state machine, its timeouts and limits) runs as on a cleartext connection;
/// the handshake counts against the connection's handshake timeout, which starts at accept.
enum TLSPipeline {
    /// Adds the server's TLS handlers to an accepted connection, when TLS is configured.
    static func addServerHandlers(_ tls: ServerTLSConfiguration?, to channel: any Channel) throws {
        guard let tls else { return }
        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
        try channel.pipeline.syncOperations.addHandler(NegotiatedProtocolCheck(peerRole: "client"))
    }

    /// Adds the client's TLS handlers to a new connection to `host`, when TLS is configured.
    static func addClientHandlers(_ tls: ClientTLSConfiguration?, host: String, to channel: any Channel) throws {
        guard let tls else { return }
        // SNI and the certificate check use the host name; an IP address is checked against
        // the certificate's IP addresses instead (SNI carries no addresses).
        let hostIsAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let serverHostname = tls.serverHostname ?? (hostIsAddress ? nil : host)
        try channel.pipeline.syncOperations.addHandler(
            NIOSSLClientHandler(context: tls.context, serverHostname: serverHostname))
        try channel.pipeline.syncOperations.addHandler(NegotiatedProtocolCheck(peerRole: "server"))
    }
}

/// The TLS peer did not agree on HTTP/2 through ALPN.
struct TLSProtocolNegotiationError: Error, CustomStringConvertible {
    let peerRole: String
    let negotiated: String?

    var description: String {
        let got = negotiated.map { "negotiated \"\($0)\"" } ?? "negotiated no application protocol"
        return "the TLS \(peerRole) \(got); gRPC over TLS needs ALPN \"\(TLSFiles.http2Protocol)\""
    }
}

/// Closes a TLS connection whose handshake did not select "h2" (as grpc-go does: a peer that
/// sends no ALPN or offers only other protocols is not served), and keeps a peer that closes
/// TCP without TLS close_notify, as gRPC peers often do, from being reported as an error.
final class NegotiatedProtocolCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let peerRole: String

    init(peerRole: String) {
        self.peerRole = peerRole
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted(let negotiated) = event, negotiated != TLSFiles.http2Protocol {
            context.fireErrorCaught(TLSProtocolNegotiationError(peerRole: peerRole, negotiated: negotiated))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOSSLError, case .uncleanShutdown = error {
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }
}
