import ArgumentParser
import QuantServeGRPCHTTP2

/// The TLS flags of `quantserve serve`: a certificate and key turn TLS on (ALPN h2, TLS 1.2+),
/// a client CA makes it mutual.
struct ServeTLSOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-cert"),
        help: "PEM certificate chain (leaf first): serve over TLS instead of cleartext. Needs --tls-key.")
    var certificateChainFile: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert (unencrypted).")
    var privateKeyFile: String?

    @Option(
        name: .customLong("tls-client-ca"),
        help: "PEM certificate authorities whose client certificates are required (mutual TLS).")
    var clientCertificateAuthorityFile: String?

    func validate() throws {
        guard (certificateChainFile == nil) == (privateKeyFile == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if clientCertificateAuthorityFile != nil, certificateChainFile == nil {
            throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key")
        }
    }

    /// The server's TLS, its files read and checked; nil for cleartext.
    func configuration() throws -> ServerTLSConfiguration? {
        guard let certificateChainFile, let privateKeyFile else { return nil }
        return try ServerTLSConfiguration(
            certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
            clientCertificateAuthorityFile: clientCertificateAuthorityFile)
    }
}
