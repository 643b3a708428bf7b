import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import QuantServeTransformer
import Testing

/// The registry's hostile-input findings, through the real server on loopback: `LoadModel.path`
/// stays inside the repository, files that are not regular fail a load (never the process), a
/// failed version is retried when its files change, and a READY version that is not serving
/// answers only admin-authorized calls.
@Suite(.tags(.loopback)) struct RegistryServiceSecurityTests {
    static func load(
        _ client: GRPCClient, version: UInt64, path: String = "", serve: Bool = true,
        token: String? = nil
    ) async throws -> LoadModelResponse {
        try await client.admin(
            ModelRegistryMethods.loadModel,
            LoadModelRequest(name: "tiny", version: version, path: path, serve: serve),
            LoadModelResponse.self, token: token)
    }

    /// The error a call failed with, or nil when it succeeded.
    static func rpcError(of call: () async throws -> some Any) async -> RPCError? {
        do {
            _ = try await call()
            return nil
        } catch {
            return error as? RPCError
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func loadModelPathMustResolveInsideTheRepository() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let outside = try ModelTestServer.temporaryRepository()
        let elsewhere = try TinyModel.write(name: "tiny", version: 2, seed: 2, into: outside)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        let client = try await server.client()
        for path in [elsewhere.path, repository.path + "/tiny/../../" + outside.lastPathComponent + "/tiny/2", "/etc"] {
            let error = await Self.rpcError { try await Self.load(client, version: 2, path: path) }
            #expect(error?.code == .permissionDenied, "\(path): \(String(describing: error))")
            #expect(
                error?.message.contains("outside the model repository") == true, "\(path): \(String(describing: error))"
            )
        }
        let inside = try await Self.load(client, version: 1, path: repository.path + "/tiny/1")
        #expect(inside.model?.servingVersion == 1)
        await client.close()
        await server.stop()

        let permissive = try await ModelTestServer.start(
            repository: repository, defaultModel: "tiny",
            allowsModelPathsOutsideRepository: true)
        let admin = try await permissive.client()
        let loaded = try await Self.load(admin, version: 2, path: elsewhere.path)
        #expect(loaded.model?.servingVersion == 2)
        #expect(try await admin.embed(["hello"]).model?.version == 2)
        await admin.close()
        await permissive.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func filesThatAreNotRegularFailTheLoadAndTheServerKeepsServing() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let devZero = try TinyModel.write(name: "tiny", version: 2, seed: 2, into: repository)
        let manifest = devZero.appendingPathComponent(ModelManifest.fileName)
        try FileManager.default.removeItem(at: manifest)
        try FileManager.default.createSymbolicLink(atPath: manifest.path, withDestinationPath: "/dev/zero")
        let fifo = try TinyModel.write(name: "tiny", version: 3, seed: 3, into: repository)
        let vocabulary = fifo.appendingPathComponent("vocab.txt")
        try FileManager.default.removeItem(at: vocabulary)
        #expect(mkfifo(vocabulary.path, 0o600) == 0)

        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        let client = try await server.client()
        _ = try await Self.load(client, version: 1)
        let before = try await client.embed(["hello world"])
        for (version, kind) in [(UInt64(2), "a symbolic link"), (3, "a FIFO")] {
            let error = await Self.rpcError { try await Self.load(client, version: version) }
            #expect(error?.code == .invalidArgument, "version \(version): \(String(describing: error))")
            #expect(
                error?.message.contains("is \(kind), not a regular file") == true,
                "version \(version): \(String(describing: error))")
            #expect(try await client.embed(["hello world"]) == before)
        }
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func theWatcherRetriesAFailedVersionOnceItsFilesAreFixed() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let good = try TinyModel.write(
            name: "tiny", version: 2, seed: 2, into: try ModelTestServer.temporaryRepository())
        let weights = try Data(contentsOf: good.appendingPathComponent(ModelManifest.weightsFileName))
        let folder = repository.appendingPathComponent("tiny/2")
        try FileManager.default.copyItem(at: good, to: folder)
        try weights.prefix(weights.count / 2).write(to: folder.appendingPathComponent(ModelManifest.weightsFileName))

        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        await server.models.loadRepository()  // serves the newest complete version: 2 fails, nothing serves
        let watcher = RepositoryWatcher(
            registry: server.models.registry, interval: .seconds(60), logger: .init(label: "test"))
        #expect(await watcher.scan().map(\.version) == [1])
        #expect(await watcher.scan().isEmpty, "an unchanged failed version is not retried")
        let client = try await server.client()
        #expect(try await client.embed(["hello"]).model?.version == 1)

        // The operator copies the complete weights (a new file renamed into place).
        let staged = folder.appendingPathComponent(".staged")
        try weights.write(to: staged)
        #expect(rename(staged.path, folder.appendingPathComponent(ModelManifest.weightsFileName).path) == 0)
        #expect(await watcher.scan().map(\.version) == [2])
        #expect(try await client.embed(["hello"]).model?.version == 2)
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aReadyVersionThatIsNotServingAnswersOnlyAdminAuthorizedCalls() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        try TinyModel.write(name: "tiny", version: 2, seed: 2, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny", adminToken: "s3cret")
        let client = try await server.client()
        _ = try await Self.load(client, version: 1, token: "s3cret")
        _ = try await Self.load(client, version: 2, serve: false, token: "s3cret")
        let canary = ModelRef(name: "tiny", version: 2)
        var admin = Metadata()
        admin.add("authorization", "Bearer s3cret")
        var wrong = Metadata()
        wrong.add("authorization", "Bearer guess")

        for metadata in [Metadata(), wrong] {
            let embed = await Self.rpcError {
                try await client.unary(
                    InferenceMethods.embed, request: EmbedRequest(model: canary, texts: ["hi"]),
                    metadata: metadata, responseType: EmbedResponse.self)
            }
            #expect(embed?.code == .permissionDenied)
            #expect(
                embed?.message.contains("version 2 is loaded but not serving") == true, "\(String(describing: embed))")
            let classify = await Self.rpcError {
                try await client.unary(
                    InferenceMethods.classify, request: ClassifyRequest(model: canary, texts: ["hi"], topK: 1),
                    metadata: metadata, responseType: ClassifyResponse.self)
            }
            #expect(classify?.code == .permissionDenied)
            let tokenize = await Self.rpcError {
                try await client.unary(
                    InferenceMethods.tokenize, request: TokenizeRequest(model: canary, texts: ["hi"]),
                    metadata: metadata, responseType: TokenizeResponse.self)
            }
            #expect(tokenize?.code == .permissionDenied)
        }
        let checked = try await client.unary(
            InferenceMethods.embed, request: EmbedRequest(model: canary, texts: ["hi"]),
            metadata: admin, responseType: EmbedResponse.self)
        #expect(checked.message.model?.version == 2, "the operator's canary call reaches the READY version")
        let tokens = try await client.unary(
            InferenceMethods.tokenize, request: TokenizeRequest(model: canary, texts: ["hi"]),
            metadata: admin, responseType: TokenizeResponse.self)
        #expect(tokens.message.model?.version == 2)
        #expect(
            try await client.embed(["hi"], model: ModelRef(name: "tiny", version: 1)).model?.version == 1,
            "anyone may name the serving version")
        #expect(try await client.embed(["hi"]).model?.version == 1)
        await client.close()
        await server.stop()
    }
}

/// Admin authorization: the token never accepted over cleartext from another machine, and where
/// `quantserve serve` takes the token from.
@Suite(.tags(.loopback)) struct AdminAuthorizationTests {
    static func context(peer: String, loopback: Bool, secure: Bool, token: String?) -> ServerContext {
        var metadata = Metadata()
        if let token { metadata.add("authorization", "Bearer \(token)") }
        return ServerContext(
            method: ModelRegistryMethods.listModels, metadata: metadata, deadline: nil,
            peer: PeerAddress(description: peer, isLoopback: loopback), transportIsSecure: secure)
    }

    @Test func aTokenFromAnotherMachineOverCleartextIsRefused() throws {
        let authorization = AdminAuthorization(token: "t")
        let cleartext = Self.context(peer: "ipv4:10.1.2.3:5555", loopback: false, secure: false, token: "t")
        let error = #expect(throws: RPCError.self) { try authorization.check(cleartext) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("need TLS") == true)
        #expect(!authorization.permits(cleartext), "nor may it reach a version that is not serving")
        try authorization.check(Self.context(peer: "ipv4:10.1.2.3:5555", loopback: false, secure: true, token: "t"))
        try authorization.check(Self.context(peer: "ipv4:127.0.0.1:5555", loopback: true, secure: false, token: "t"))
        #expect(
            !authorization.permits(Self.context(peer: "ipv4:10.1.2.3:5555", loopback: false, secure: true, token: "u")))
    }

    @Test func theTokenComesFromAFileTheEnvironmentOrWithAWarningTheCommandLine() throws {
        let folder = try ModelTestServer.temporaryRepository()
        let file = folder.appendingPathComponent("admin-token")
        try Data("s3cret\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let environment = [AdminTokenSource.environmentVariable: "from-env"]

        let fromFile = try AdminTokenSource(argument: nil, file: file.path, environment: [:])
        #expect(fromFile.token == "s3cret" && fromFile.warnings.isEmpty)
        let fromEnvironment = try AdminTokenSource(argument: nil, file: nil, environment: environment)
        #expect(fromEnvironment.token == "from-env" && fromEnvironment.warnings.isEmpty)
        let fromArgument = try AdminTokenSource(argument: "argv", file: nil, environment: [:])
        #expect(fromArgument.token == "argv")
        #expect(
            fromArgument.warnings.contains { $0.contains("/proc/<pid>/cmdline") && $0.contains("--admin-token-file") })
        #expect(try AdminTokenSource(argument: nil, file: nil, environment: [:]).token == nil)
        let overridden = try AdminTokenSource(argument: nil, file: file.path, environment: environment)
        #expect(overridden.token == "s3cret" && overridden.warnings.count == 1)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        #expect(
            try AdminTokenSource(argument: nil, file: file.path, environment: [:]).warnings.contains {
                $0.contains("chmod 600")
            })
        #expect(throws: AdminTokenError.conflictingSources) {
            try AdminTokenSource(argument: "a", file: file.path, environment: [:])
        }
        try Data("\n".utf8).write(to: file)
        #expect(throws: AdminTokenError.invalid("the admin token is empty")) {
            try AdminTokenSource(argument: nil, file: file.path, environment: [:])
        }
        #expect(throws: FileReadError.self) { try AdminTokenSource(argument: nil, file: "/dev/zero", environment: [:]) }
        #expect(throws: FileReadError.missing(path: folder.path + "/absent")) {
            try AdminTokenSource(argument: nil, file: folder.path + "/absent", environment: [:])
        }
    }
}

/// `quantserve serve` as a process: the token from `--admin-token-file` guards the admin RPCs,
/// and a token given in argv is warned about at start.
@Suite("quantserve serve admin token", .tags(.subprocess))
struct ServeAdminTokenTests {
    /// Starts `quantserve serve` on an empty repository; returns the process, its port and the lines before `serving`.
    static func start(_ arguments: [String]) async throws -> (ChildProcess, Int, [String]) {
        let repository = try ModelTestServer.temporaryRepository()
        let process = try ChildProcess(
            try Prerequisite.quantserve.require(),
            ["serve", "--port", "0", "--model-repository", repository.path] + arguments)
        var lines = process.lines.makeAsyncIterator()
        var seen: [String] = []
        while let line = await lines.next() {
            seen.append(line)
            if let port = ServeCommandTests.port(inServingLine: line) { return (process, port, seen) }
        }
        process.terminate()
        throw ModelError.invalidSource("quantserve never logged its address: \(seen.joined(separator: "\n"))")
    }

    @Test(.timeLimit(.minutes(1)))
    func theTokenFileGuardsAdminCallsAndAnArgvTokenIsWarnedAbout() async throws {
        let file = try ModelTestServer.temporaryRepository().appendingPathComponent("admin-token")
        try Data("s3cret\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let (process, port, lines) = try await Self.start(["--admin-token-file", file.path])
        defer { process.terminate() }
        #expect(
            !lines.contains { $0.contains("cmdline") || $0.contains("token") }, "no warning about the token: \(lines)")
        let client = GRPCClient(host: "127.0.0.1", port: port)
        try await client.connect()
        #expect(
            await statusCode {
                try await client.admin(ModelRegistryMethods.listModels, ListModelsRequest(), ListModelsResponse.self)
            } == .unauthenticated)
        #expect(
            await statusCode {
                try await client.admin(
                    ModelRegistryMethods.listModels, ListModelsRequest(), ListModelsResponse.self, token: "s3cret")
            } == nil)
        await client.close()
        process.send(SIGTERM)
        #expect(await process.exitStatus() == 0)

        let (argv, _, argvLines) = try await Self.start(["--admin-token", "visible"])
        defer { argv.terminate() }
        #expect(argvLines.contains { $0.contains("warning") && $0.contains("/proc/<pid>/cmdline") }, "\(argvLines)")
        argv.send(SIGTERM)
        #expect(await argv.exitStatus() == 0)
    }
}
