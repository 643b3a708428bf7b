import NIOCore
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// TLS for a `GRPCServer`: its certificate chain and key, and optionally the certificate
/// authority whose client certificates it requires (mutual TLS). TLS 1.2 or later, ALPN "h2"
/// only: a client that negotiates no protocol, or another one, is closed after the handshake,
/// as grpc-go's servers do.
///
/// The files are read and checked when the value is made, so a bad file fails at start-up
/// with a `TLSConfigurationError` that names it.
public struct ServerTLSConfiguration: Sendable {
    /// The PEM file of the server's certificate chain, leaf first.
    public let certificateChainFile: String
    /// The PEM file of the server's private key.
    public let privateKeyFile: String
    /// The PEM file of the certificate authorities whose client certificates are accepted;
    /// when set, a client without such a certificate fails the handshake.
    public let clientCertificateAuthorityFile: String?
    let context: NIOSSLContext

    /// Reads and checks the files; throws `TLSConfigurationError` when one cannot be read,
    /// holds no PEM certificate or key, or the key does not belong to the certificate.
    public init(certificateChainFile: String, privateKeyFile: String, clientCertificateAuthorityFile: String? = nil)
        throws
    {
        let chain = try TLSFiles.certificates(certificateChainFile, role: "certificate chain")
        let key = try TLSFiles.privateKey(privateKeyFile)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = [TLSFiles.http2Protocol]
        configuration.shutdownTimeout = TLSFiles.closeNotifyWait
        if let clientCertificateAuthorityFile {
            let authorities = try TLSFiles.certificates(
                clientCertificateAuthorityFile, role: "client certificate authority")
            configuration.trustRoots = .certificates(authorities)
            configuration.certificateVerification = .noHostnameVerification
            configuration.sendCANameList = true
        }
        self.context = try TLSFiles.context(
            configuration, keyFile: privateKeyFile, certificateFile: certificateChainFile)
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCertificateAuthorityFile = clientCertificateAuthorityFile
    }
}

/// TLS for a `GRPCClient`: the certificate authorities it trusts (the system's when none is
/// given) and optionally its own certificate and key for servers that require them. The
/// server's certificate must name the host the client connects to (or `serverHostname`).
public struct ClientTLSConfiguration: Sendable {
    /// The name checked against the server's certificate and sent as SNI; nil uses the host
    /// the client connects to (an IP address is then checked against the certificate's IPs).
    public let serverHostname: String?
    let context: NIOSSLContext

    /// Reads and checks the files; throws `TLSConfigurationError` when one cannot be read or
    /// does not hold what it should.
    public init(
        trustRootsFile: String?, certificateChainFile: String? = nil, privateKeyFile: String? = nil,
        serverHostname: String? = nil
    ) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = [TLSFiles.http2Protocol]
        configuration.shutdownTimeout = TLSFiles.closeNotifyWait
        if let trustRootsFile {
            configuration.trustRoots = .certificates(
                try TLSFiles.certificates(trustRootsFile, role: "trusted certificate authority"))
        }
        switch (certificateChainFile, privateKeyFile) {
        case (nil, nil):
            break
        case let (chainFile?, keyFile?):
            configuration.certificateChain = try TLSFiles.certificates(chainFile, role: "client certificate chain").map
            { .certificate($0) }
            configuration.privateKey = .privateKey(try TLSFiles.privateKey(keyFile))
        default:
            throw TLSConfigurationError("a client certificate needs both its chain file and its private key file")
        }
        self.context = try TLSFiles.context(
            configuration, keyFile: privateKeyFile, certificateFile: certificateChainFile)
        self.serverHostname = serverHostname
    }
}

/// A TLS file that cannot be used, with a message naming the file and what is wrong with it.
public struct TLSConfigurationError: Error, CustomStringConvertible {
    /// What is wrong, for a person.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Reading PEM files into NIOSSL's types, with errors a person understands.
enum TLSFiles {
    /// The one application protocol offered and accepted (ALPN).
    static let http2Protocol = "h2"
    /// How long a closing connection waits for the peer's close_notify before closing TCP
    /// anyway (the server's default `closeTimeout`; NIOSSL's own default is 5 s).
    static let closeNotifyWait = TimeAmount.seconds(1)

    static func certificates(_ path: String, role: String) throws -> [NIOSSLCertificate] {
        try checkReadable(path, role: role)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSConfigurationError("the \(role) file \(path) is not a PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else {
            throw TLSConfigurationError("the \(role) file \(path) holds no PEM certificate")
        }
        return certificates
    }

    static func privateKey(_ path: String) throws -> NIOSSLPrivateKey {
        try checkReadable(path, role: "private key")
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw TLSConfigurationError("the private key file \(path) holds no unencrypted PEM private key (\(error))")
        }
    }

    /// The context of `configuration`; the only failure left at this point is a key that does
    /// not belong to the certificate.
    static func context(_ configuration: TLSConfiguration, keyFile: String?, certificateFile: String?) throws
        -> NIOSSLContext
    {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            if let keyFile, let certificateFile {
                throw TLSConfigurationError(
                    "the private key in \(keyFile) does not belong to the certificate in \(certificateFile) (\(error))")
            }
            throw TLSConfigurationError("the TLS configuration is not usable (\(error))")
        }
    }

    private static func checkReadable(_ path: String, role: String) throws {
        guard access(path, F_OK) == 0 else {
            throw TLSConfigurationError("the \(role) file \(path) does not exist")
        }
        guard access(path, R_OK) == 0 else {
            throw TLSConfigurationError("the \(role) file \(path) is not readable by this process")
        }
    }
}
