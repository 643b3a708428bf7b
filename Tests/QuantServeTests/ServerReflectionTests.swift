import Foundation
import Logging
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// Server reflection on a real server (`ModelTestServer`, assembled as `quantserve serve`
/// assembles it) through our client: every kind of request on one stream, both versions.
@Suite("gRPC server reflection", .tags(.loopback))
struct ServerReflectionTests {
    /// The services `quantserve serve` registers without `--enable-echo`.
    static let servedServices = [
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection", "inference.GRPCInferenceService",
        "inference.v1.Inference", "inference.v1.ModelRegistry",
    ]

    @Test("list_services names exactly the registered services", arguments: ReflectionMethods.all)
    func listsServedServices(_ method: MethodDescriptor) async throws {
        let answers = try await Self.ask(method, [.listServices("*")])
        #expect(answers.map(\.answer) == [.services(Self.servedServices)])
        #expect(answers.first?.originalRequest == ServerReflectionRequest(query: .listServices("*")))
    }

    @Test("file_containing_symbol finds services, methods, messages, fields, enums and their values")
    func findsEverySymbolKind() async throws {
        let symbols = [
            "inference.v1.Inference", "inference.v1.Inference.Embed", "inference.v1.EmbedRequest",
            "inference.v1.EmbedRequest.texts", "inference.v1.VersionState", "inference.v1.ModelRegistry.LoadModel",
            "grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc.health.v1.HealthCheckResponse.SERVING",
            "grpc.reflection.v1alpha.ServerReflectionRequest.message_request",
        ]
        let answers = try await Self.ask(ReflectionMethods.infoV1, symbols.map { .fileContainingSymbol($0) })
        let expectedFiles = [
            "inference/v1/inference.proto", "inference/v1/inference.proto", "inference/v1/inference.proto",
            "inference/v1/inference.proto", "inference/v1/inference.proto", "inference/v1/inference.proto",
            "grpc/health/v1/health.proto", "grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto",
        ]
        #expect(answers.count == symbols.count)
        for (answer, (symbol, file)) in zip(answers, zip(symbols, expectedFiles)) {
            guard case .fileDescriptors(let files) = answer.answer else {
                Issue.record("\(symbol): \(String(describing: answer.answer))")
                continue
            }
            #expect(files.map(Self.fileName) == [file], "\(symbol)")
        }
    }

    @Test("file_by_filename answers the file, then each file it imports once")
    func answersFilesWithImports() async throws {
        let services: [any RPCService] = [ImportingService()]
        let reflection = try ServerReflectionService(describing: services, descriptorSet: try Self.fileDescriptorSet())
        let server = GRPCServer(
            router: RPCRouter(services: services + [reflection]),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: Logger(label: "quantserve.tests"))
        let port = try await server.start()
        let answers = try await Self.ask(
            ReflectionMethods.infoV1,
            [.fileByFilename("c.proto"), .fileContainingSymbol("b.B")].map {
                ServerReflectionRequest(query: $0)
            }, port: port)
        await server.shutdown(gracePeriod: .seconds(1))
        guard case .fileDescriptors(let files) = answers.first?.answer,
            case .fileDescriptors(let filesOfB) = answers.last?.answer
        else {
            Issue.record("\(answers)")
            return
        }
        #expect(files.map(Self.fileName) == ["c.proto", "b.proto", "a.proto"])
        #expect(filesOfB.map(Self.fileName) == ["b.proto", "a.proto"])
    }

    @Test("what is not served is NOT_FOUND, extensions answered from the (empty) declarations")
    func refusesWhatIsNotServed() async throws {
        let answers = try await Self.ask(
            ReflectionMethods.infoV1Alpha,
            [
                .fileByFilename("testing/v1/echo.proto"),  // compiled in, but Echo is not registered
                .fileContainingSymbol("testing.v1.Echo"),
                .fileContainingSymbol("inference.v1.NoSuchMessage"),
                .fileByFilename("google/protobuf/descriptor.proto"),
                .fileContainingExtension(containingType: "inference.v1.EmbedRequest", number: 100),
                .allExtensionNumbersOfType("inference.v1.EmbedRequest"),
                .allExtensionNumbersOfType("no.such.Type"),
            ])
        let codes: [Status.Code?] = answers.map {
            if case .error(let code, _) = $0.answer { code } else { nil }
        }
        #expect(codes == [.notFound, .notFound, .notFound, .notFound, .notFound, nil, .notFound])
        #expect(answers[5].answer == .extensionNumbers(baseTypeName: "inference.v1.EmbedRequest", numbers: []))
        guard case .error(_, let message) = answers[2].answer else { return }
        #expect(message == "no served .proto file defines the symbol \"inference.v1.NoSuchMessage\"")
    }

    @Test("an empty request is UNIMPLEMENTED; an overlong name INVALID_ARGUMENT, not echoed; the stream goes on")
    func boundsHostileRequests() async throws {
        let huge = String(repeating: "x", count: 3_000_000)
        let answers = try await Self.ask(
            ReflectionMethods.infoV1,
            [
                ServerReflectionRequest(query: nil),
                ServerReflectionRequest(query: .fileContainingSymbol(huge)),
                ServerReflectionRequest(host: huge, query: .listServices("")),
                ServerReflectionRequest(query: .listServices("")),
            ])
        #expect(answers.count == 4)
        guard answers.count == 4 else { return }
        if case .error(let code, _) = answers[0].answer {
            #expect(code == .unimplemented)
        } else {
            Issue.record("\(answers[0])")
        }
        for answer in answers[1...2] {
            guard case .error(let code, let message) = answer.answer else {
                Issue.record("\(answer.answer as Any)")
                continue
            }
            #expect(code == .invalidArgument)
            #expect(message.hasPrefix("a name of 3000000 bytes, over the limit of 1024 bytes"))
            #expect(message.utf8.count < 300)
            #expect(answer.originalRequest == nil)
        }
        #expect(answers[3].answer == .services(Self.servedServices))
    }

    @Test("a long stream of requests is answered in order")
    func answersManyRequestsInOrder() async throws {
        let symbols = (0..<500).map { $0.isMultiple(of: 2) ? "inference.v1.EmbedRequest" : "missing.\($0)" }
        let answers = try await Self.ask(ReflectionMethods.infoV1, symbols.map { .fileContainingSymbol($0) })
        #expect(
            answers.map(\.originalRequest) == symbols.map { ServerReflectionRequest(query: .fileContainingSymbol($0)) })
    }

    // MARK: - Helpers

    private static func ask(_ method: MethodDescriptor, _ queries: [ServerReflectionRequest.Query]) async throws
        -> [ServerReflectionResponse]
    {
        try await ask(method, queries.map { ServerReflectionRequest(query: $0) })
    }

    private static func ask(_ method: MethodDescriptor, _ requests: [ServerReflectionRequest]) async throws
        -> [ServerReflectionResponse]
    {
        let server = try await ModelTestServer.start(
            repository: try ModelTestServer.temporaryRepository(), defaultModel: "tiny")
        let answers = try await ask(method, requests, port: server.port)
        await server.stop()
        return answers
    }

    private static func ask(_ method: MethodDescriptor, _ requests: [ServerReflectionRequest], port: Int) async throws
        -> [ServerReflectionResponse]
    {
        let client = GRPCClient(host: "127.0.0.1", port: port)
        try await client.connect()
        let answers = try await client.bidirectionalStreaming(
            method, requestType: ServerReflectionRequest.self, responseType: ServerReflectionResponse.self,
            requestProducer: { writer in
                for request in requests { try await writer.write(request) }
            },
            handler: { responses in
                var answers: [ServerReflectionResponse] = []
                for try await response in responses.messages { answers.append(response) }
                return answers
            })
        await client.close()
        return answers
    }

    /// The `name` (field 1) of a serialized `FileDescriptorProto`; its first field, as protoc writes it.
    static func fileName(_ descriptor: [UInt8]) -> String {
        guard descriptor.count > 2, descriptor[0] == 0x0A, descriptor[1] < 0x80,
            descriptor.count >= 2 + Int(descriptor[1])
        else { return "?" }
        return String(decoding: descriptor[2..<2 + Int(descriptor[1])], as: UTF8.self)
    }

    /// A descriptor set of three files, `c.proto` importing `b.proto` importing `a.proto`, with
    /// the service `c.C` in `c.proto`, and the reflection protos, written by protoc.
    static func fileDescriptorSet() throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reflection-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = [
            "a.proto": "syntax = \"proto3\"; package a; message A { string s = 1; }",
            "b.proto": "syntax = \"proto3\"; package b; import \"a.proto\"; message B { a.A a = 1; }",
            "c.proto": "syntax = \"proto3\"; package c; import \"b.proto\"; service C { rpc Call(b.B) returns (b.B); }",
        ]
        for (name, text) in sources {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = try Prerequisite.protoc.require()
        process.currentDirectoryURL = folder
        process.arguments = [
            "--descriptor_set_out=set.pb", "--include_imports", "-I.",
            "-I" + Repository.root.appendingPathComponent("proto").path, "c.proto",
            "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto",
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try [UInt8](Data(contentsOf: folder.appendingPathComponent("set.pb")))
    }
}

/// A service registered as `c.C/Call`, for the fixture descriptor set of `fileDescriptorSet()`.
private struct ImportingService: RPCService {
    func register(in router: inout RPCRouter) {
        router.register(MethodDescriptor(service: "c.C", method: "Call")) { _, _, _ in [:] }
    }
}
