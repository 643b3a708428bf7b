import NIOCore
import QuantServeGRPC

extension PeerAddress {
    /// The gRPC name of a socket address (`ipv4:127.0.0.1:51234`, `ipv6:[::1]:51234`, `unix:/path`).
    init(_ address: SocketAddress?) {
        guard let address else {
            self.init(description: "unknown", isLoopback: false)
            return
        }
        let host = address.ipAddress ?? ""
        let port = address.port ?? 0
        switch address {
        case .v4:
            self.init(description: "ipv4:\(host):\(port)", isLoopback: host.hasPrefix("127."))
        case .v6:
            self.init(description: "ipv6:[\(host)]:\(port)", isLoopback: host == "::1" || host.hasPrefix("::ffff:127."))
        case .unixDomainSocket:
            self.init(description: "unix:\(address.pathname ?? "")", isLoopback: true)
        }
    }
}
