import Foundation
import QuantServeTestSupport
import Testing

/// Certificates made at test time with the openssl command-line tool (Debian's `openssl`,
/// installed by scripts/bootstrap.sh): a test CA, a server certificate for localhost and
/// 127.0.0.1 and a client certificate it signed, and a self-signed "stranger" client
/// certificate no server trusts. EC P-256 keys, valid for two days.
struct TestCertificates {
    let folder: URL
    var authority: String { path("ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.pem") }
    var clientKey: String { path("client.key") }
    var strangerCertificate: String { path("stranger.pem") }
    var strangerKey: String { path("stranger.key") }

    private static let extensions = """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        CN = unused
        [ca]
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        [server]
        basicConstraints = critical,CA:FALSE
        subjectAltName = DNS:localhost,IP:127.0.0.1
        extendedKeyUsage = serverAuth
        [client]
        basicConstraints = critical,CA:FALSE
        extendedKeyUsage = clientAuth

        """

    /// Makes a fresh set in a new temporary folder.
    static func make() throws -> TestCertificates {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificates = TestCertificates(folder: folder)
        try Data(extensions.utf8).write(to: folder.appendingPathComponent("openssl.cnf"))
        try certificates.request("ca", subject: "QuantServe test CA", signedByAuthority: false, extensions: "ca")
        try certificates.request("server", subject: "localhost", signedByAuthority: true, extensions: "server")
        try certificates.request("client", subject: "test client", signedByAuthority: true, extensions: "client")
        try certificates.request("stranger", subject: "stranger", signedByAuthority: false, extensions: "client")
        return certificates
    }

    private func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    private func request(_ name: String, subject: String, signedByAuthority: Bool, extensions: String) throws {
        var arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-config", path("openssl.cnf"), "-extensions", extensions, "-subj", "/CN=\(subject)",
            "-keyout", path("\(name).key"), "-out", path("\(name).pem"),
        ]
        if signedByAuthority { arguments += ["-CA", authority, "-CAkey", path("ca.key")] }
        let process = Process()
        process.executableURL = try Prerequisite.openssl.require()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.joined(separator: " ")) failed: \(text)"])
        }
    }
}
