import Foundation
import Logging
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// TLS at the wire: a real server on loopback with certificates made by openssl at test time,
/// Python grpcio (`grpc.ssl_channel_credentials`) and our own client as its clients.
@Suite("TLS", .tags(.loopback))
struct TLSTests {
    init() throws { _ = try Prerequisite.openssl.require() }

    /// A server serving the tiny model over TLS (mutual when `clientAuthority` is set).
    static func startServer(
        _ certificates: TestCertificates, clientAuthority: String? = nil,
        handshakeTimeout: Duration = .seconds(10)
    ) async throws -> ModelTestServer {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: handshakeTimeout)
        configuration.tls = try ServerTLSConfiguration(
            certificateChainFile: certificates.serverCertificate,
            privateKeyFile: certificates.serverKey,
            clientCertificateAuthorityFile: clientAuthority)
        let server = try await ModelTestServer.start(
            repository: repository, defaultModel: "tiny", server: configuration)
        await server.models.loadRepository()
        return server
    }

    /// Our client over TLS to `port`, trusting the test CA.
    static func client(
        _ port: Int, _ certificates: TestCertificates, certificate: String? = nil, key: String? = nil,
        host: String = "127.0.0.1"
    ) throws -> GRPCClient {
        var configuration = ClientConfiguration()
        configuration.tls = try ClientTLSConfiguration(
            trustRootsFile: certificates.authority,
            certificateChainFile: certificate, privateKeyFile: key)
        return GRPCClient(host: host, port: port, configuration: configuration)
    }

    /// Runs Tests/Python/tls_client.py; returns its exit status and output.
    static func python(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let python = try Prerequisite.python.require()
        let script = Repository.root.appendingPathComponent("Tests/Python/tls_client.py").path
        let process = try ChildProcess(python, [script] + arguments)
        var lines: [String] = []
        for await line in process.lines { lines.append(line) }
        return (await process.exitStatus(), lines.joined(separator: "\n"))
    }

    @Test(.timeLimit(.minutes(2)), .tags(.subprocess))
    func grpcioCallsEmbedAndHealthCheckOverTLS() async throws {
        let certificates = try TestCertificates.make()
        let server = try await Self.startServer(certificates)
        let run = try await Self.python(["grpcio", "--port", "\(server.port)", "--ca", certificates.authority])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("tls: 2 passed, 0 failed"), "\(run.output)")

        let client = try Self.client(server.port, certificates, host: "localhost")
        #expect(
            try await client.embed(["hello over tls"]).embeddings.count == 1, "our client checks the name localhost too"
        )
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)), .tags(.subprocess))
    func mutualTLSServesOnlyClientsWithACertificateFromTheAuthority() async throws {
        let certificates = try TestCertificates.make()
        let server = try await Self.startServer(certificates, clientAuthority: certificates.authority)
        let port = "\(server.port)"

        let anonymous = try await Self.python([
            "grpcio", "--port", port, "--ca", certificates.authority, "--expect-refused",
        ])
        #expect(anonymous.status == 0 && anonymous.output.contains("tls: 2 passed, 0 failed"), "\(anonymous.output)")
        let authenticated = try await Self.python([
            "grpcio", "--port", port, "--ca", certificates.authority,
            "--cert", certificates.clientCertificate, "--key", certificates.clientKey,
        ])
        #expect(
            authenticated.status == 0 && authenticated.output.contains("tls: 2 passed, 0 failed"),
            "\(authenticated.output)")

        for (certificate, key) in [(nil, nil), (certificates.strangerCertificate, certificates.strangerKey)] {
            let refused = try Self.client(server.port, certificates, certificate: certificate, key: key)
            let code = await statusCode { try await refused.embed(["hello"]) }
            #expect(code == .unavailable, "client certificate \(certificate ?? "none")")
            await refused.close()
        }
        let served = try Self.client(
            server.port, certificates, certificate: certificates.clientCertificate, key: certificates.clientKey)
        #expect(try await served.embed(["hello"]).embeddings.count == 1)
        await served.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func cleartextAndTLSClientsOnTheWrongPortFailCleanly() async throws {
        let certificates = try TestCertificates.make()
        let server = try await Self.startServer(certificates)
        let cleartext = GRPCClient(host: "127.0.0.1", port: server.port)
        let error = await #expect(throws: RPCError.self) { try await cleartext.embed(["hello"]) }
        #expect(error?.code == .unavailable, "\(String(describing: error))")
        await cleartext.close()
        #expect(
            try await Self.client(server.port, certificates).embed(["hello"]).embeddings.count == 1,
            "the server still serves TLS clients")
        await server.stop()

        let plain = try await TestServer.start()
        let secure = try Self.client(plain.port, certificates)
        let tlsError = await #expect(throws: RPCError.self) {
            try await secure.unary(
                HealthMethods.check, request: HealthCheckRequest(), responseType: HealthCheckResponse.self)
        }
        #expect(tlsError?.code == .unavailable, "\(String(describing: tlsError))")
        await secure.close()
        await plain.stop()
    }

    @Test(.timeLimit(.minutes(1)), .tags(.subprocess))
    func aClientThatNeverFinishesTheHandshakeIsClosedByTheHandshakeTimeout() async throws {
        let certificates = try TestCertificates.make()
        let server = try await Self.startServer(certificates, handshakeTimeout: .milliseconds(300))
        let run = try await Self.python(["silent-tcp", "--port", "\(server.port)"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("ok silent_tcp_closed"), "\(run.output)")
        await server.stop()
    }

    @Test(.timeLimit(.minutes(1)), .tags(.subprocess))
    func aTLSClientThatNegotiatesNoHTTP2IsClosed() async throws {
        let certificates = try TestCertificates.make()
        // A handshake timeout longer than the script's wait: only the ALPN check can close it in time.
        let server = try await Self.startServer(certificates, handshakeTimeout: .seconds(120))
        let run = try await Self.python(["no-alpn", "--port", "\(server.port)", "--ca", certificates.authority])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("ok no_alpn_closed"), "\(run.output)")
        await server.stop()
    }

    /// The admin rule with the `ServerContext` a real connection produced: the same call,
    /// presented as coming from another machine, is accepted over TLS and refused over cleartext.
    @Test(.timeLimit(.minutes(1)))
    func anAdminTokenFromAnotherMachineIsAcceptedOverTLSOnly() async throws {
        let certificates = try TestCertificates.make()
        let probe = MethodDescriptor(service: "quantserve.test.TLSProbe", method: "AdminFromAnotherMachine")
        var router = RPCRouter()
        router.register(probe) { _, response, context in
            var remote = context
            remote.peer = PeerAddress(description: "ipv4:192.0.2.7:40000", isLoopback: false)
            try AdminAuthorization(token: "s3cret").check(remote)
            try await response.write(ListModelsRequest().serializedBytes())
            return [:]
        }
        var logger = Logger(label: "quantserve.tests")
        logger.logLevel = .error
        var secureConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0)
        secureConfiguration.tls = try ServerTLSConfiguration(
            certificateChainFile: certificates.serverCertificate,
            privateKeyFile: certificates.serverKey)
        var token = Metadata()
        token.add("authorization", "Bearer s3cret")

        let secure = GRPCServer(router: router, configuration: secureConfiguration, logger: logger)
        let client = try Self.client(try await secure.start(), certificates)
        _ = try await client.unary(
            probe, request: ListModelsRequest(), metadata: token, responseType: ListModelsRequest.self)
        await client.close()
        await secure.shutdown(gracePeriod: .seconds(1))

        let cleartext = GRPCServer(
            router: router, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let plain = GRPCClient(host: "127.0.0.1", port: try await cleartext.start())
        let error = await #expect(throws: RPCError.self) {
            _ = try await plain.unary(
                probe, request: ListModelsRequest(), metadata: token, responseType: ListModelsRequest.self)
        }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("need TLS") == true, "\(String(describing: error))")
        await plain.close()
        await cleartext.shutdown(gracePeriod: .seconds(1))
    }

    @Test(.timeLimit(.minutes(1)), .tags(.subprocess))
    func quantserveTakesTheTLSFlags() async throws {
        let quantserve = try Prerequisite.quantserve.require()
        let certificates = try TestCertificates.make()
        let repository = try ModelTestServer.temporaryRepository().path
        let mismatched = try ChildProcess(
            quantserve,
            [
                "serve", "--port", "0", "--model-repository", repository,
                "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.clientKey,
            ])
        var refusal: [String] = []
        for await line in mismatched.lines { refusal.append(line) }
        #expect(await mismatched.exitStatus() != 0)
        #expect(refusal.contains { $0.contains("does not belong to the certificate") }, "\(refusal)")

        let server = try ChildProcess(
            quantserve,
            [
                "serve", "--port", "0", "--model-repository", repository, "--enable-echo",
                "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey,
            ])
        defer { server.terminate() }
        var lines = server.lines.makeAsyncIterator()
        var port: Int?
        while port == nil, let line = await lines.next() { port = ServeCommandTests.port(inServingLine: line) }
        let servingPort = try #require(port, "quantserve never logged its address")
        let client = try Self.client(servingPort, certificates)
        let echo = try await client.unary(
            EchoMethods.get, request: EchoRequest(message: "over tls"), responseType: EchoResponse.self)
        #expect(echo.message.message == "over tls")
        await client.close()

        let list = try ChildProcess(
            quantserve, ["models", "list", "--server", "localhost:\(servingPort)", "--tls-ca", certificates.authority])
        var listed: [String] = []
        for await line in list.lines { listed.append(line) }
        #expect(await list.exitStatus() == 0, "\(listed)")
        server.send(SIGTERM)
        while await lines.next() != nil {}
        #expect(await server.exitStatus() == 0)
    }

    @Test func unusableFilesFailWithAMessageNamingThem() throws {
        let certificates = try TestCertificates.make()
        let missing = certificates.folder.appendingPathComponent("missing.pem").path
        let cases: [(chain: String, key: String, authority: String?, expected: String)] = [
            (missing, certificates.serverKey, nil, "certificate chain file \(missing) does not exist"),
            (certificates.serverKey, certificates.serverKey, nil, "is not a PEM certificate file"),
            (
                certificates.serverCertificate, certificates.serverCertificate, nil,
                "holds no unencrypted PEM private key"
            ),
            (
                certificates.serverCertificate, certificates.clientKey, nil,
                "the private key in \(certificates.clientKey) does not belong to the certificate in \(certificates.serverCertificate)"
            ),
            (
                certificates.serverCertificate, certificates.serverKey, missing,
                "client certificate authority file \(missing) does not exist"
            ),
        ]
        for (chain, key, authority, expected) in cases {
            let error = #expect(throws: TLSConfigurationError.self) {
                _ = try ServerTLSConfiguration(
                    certificateChainFile: chain, privateKeyFile: key, clientCertificateAuthorityFile: authority)
            }
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        }
    }
}
