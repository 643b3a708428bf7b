import Foundation
import Logging
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeKernels
import QuantServeTransformer

/// A real server on a loopback port serving models from a repository, with the Inference,
/// ModelRegistry, Health and reflection services, as `quantserve serve` assembles them.
struct ModelTestServer: Sendable {
    let server: GRPCServer
    let models: ModelServer
    let port: Int

    static let pool = ComputePool(threads: 2)

    static func start(
        repository: URL, defaultModel: String, adminToken: String? = nil,
        scheduler: SchedulerConfiguration = .init(),
        allowsModelPathsOutsideRepository: Bool = false,
        loader: @escaping ModelRegistry.EngineLoader = ModelServer.bertLoader(pool: ModelTestServer.pool),
        generatorLoader: ModelRegistry.GeneratorLoader? = nil,
        generation: GenerationConfiguration = .init(),
        server serverConfiguration: ServerConfiguration = .init(host: "127.0.0.1", port: 0),
        metrics: PrometheusExposition? = nil
    )
        async throws -> ModelTestServer
    {
        var logger = Logger(label: "quantserve.tests")
        logger.logLevel = .error
        let board = HealthStatusBoard()
        var configuration = ModelServerConfiguration(
            repository: repository, defaultModel: defaultModel,
            scheduler: scheduler, adminToken: adminToken)
        configuration.allowsModelPathsOutsideRepository = allowsModelPathsOutsideRepository
        if let metrics { configuration.metrics = metrics.modelMetrics() }
        configuration.generation = generation
        let models = ModelServer(
            configuration: configuration,
            board: board, logger: logger, loader: loader, generatorLoader: generatorLoader)
        let services = models.services + [HealthService(board: board)]
        let router = RPCRouter(services: services + [try ServerReflectionService(describing: services)])
        var serverConfiguration = serverConfiguration
        serverConfiguration.observer = metrics?.trafficMetrics(for: router)
        let server = GRPCServer(router: router, configuration: serverConfiguration, logger: logger)
        let port = try await server.start()
        metrics?.watch(models.registry, server)
        return ModelTestServer(server: server, models: models, port: port)
    }

    func client() async throws -> GRPCClient {
        let client = GRPCClient(host: "127.0.0.1", port: port)
        try await client.connect()
        return client
    }

    func stop() async {
        await server.shutdown(gracePeriod: .seconds(1))
    }

    /// A fresh empty repository folder.
    static func temporaryRepository() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("repository-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension GRPCClient {
    /// Embeds `texts` and returns the response.
    func embed(_ texts: [String], model: ModelRef? = nil, truncate: Bool = true, timeout: Duration? = nil) async throws
        -> EmbedResponse
    {
        try await unary(
            InferenceMethods.embed, request: EmbedRequest(model: model, texts: texts, truncate: truncate),
            timeout: timeout, responseType: EmbedResponse.self
        ).message
    }

    /// Calls an admin RPC with the given bearer token.
    func admin<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: MethodDescriptor, _ request: Request,
        _ response: Response.Type, token: String? = nil
    ) async throws -> Response {
        var metadata = Metadata()
        if let token { metadata.add("authorization", "Bearer \(token)") }
        return try await unary(method, request: request, metadata: metadata, responseType: response).message
    }
}

/// The status code a call failed with, or nil when it succeeded.
func statusCode(of call: () async throws -> some Any) async -> Status.Code? {
    do {
        _ = try await call()
        return nil
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}
