import Foundation
import Logging
import QuantServeGRPC
import QuantServeKernels
import QuantServeTransformer

/// Settings of the model-serving side of the server.
public struct ModelServerConfiguration: Sendable {
    /// The folder holding `<name>/<version>/` model versions.
    public var repository: URL
    /// The model requests get when they name none.
    public var defaultModel: String
    public var scheduler: SchedulerConfiguration
    /// The token admin calls must present; nil accepts loopback peers only.
    public var adminToken: String?
    /// Threads for intra-op parallelism (GEMMs, attention).
    public var computeThreads: Int
    /// Whether `LoadModel.path` may name folders that resolve outside the repository.
    public var allowsModelPathsOutsideRepository = false
    /// The most UTF-8 bytes of one text (see `ModelTokenizer.maxTextBytes`).
    public var maxTextBytes = ModelTokenizer.defaultMaxTextBytes
    /// Where the registry's and the versions' metrics go (default: nowhere).
    public var metrics = ModelMetrics()
    /// Settings of every decoder version's generation scheduler.
    public var generation = GenerationConfiguration()

    public init(
        repository: URL, defaultModel: String = "minilm", scheduler: SchedulerConfiguration = .init(),
        adminToken: String? = nil, computeThreads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.repository = repository
        self.defaultModel = defaultModel
        self.scheduler = scheduler
        self.adminToken = adminToken
        self.computeThreads = computeThreads
    }
}

/// The models a server hosts and the services over them: the registry (wired to the health
/// board, one health service name per model), Inference and ModelRegistry.
public final class ModelServer: Sendable {
    public let configuration: ModelServerConfiguration
    public let registry: ModelRegistry
    public let board: HealthStatusBoard
    private let logger: Logger

    /// `generatorLoader` builds decoder versions (Generate) from their folders; without it
    /// every version loads as an encoder.
    public init(
        configuration: ModelServerConfiguration, board: HealthStatusBoard, logger: Logger,
        loader: @escaping ModelRegistry.EngineLoader, generatorLoader: ModelRegistry.GeneratorLoader? = nil
    ) {
        self.configuration = configuration
        self.board = board
        self.logger = logger
        registry = ModelRegistry(
            repository: configuration.repository, defaultModel: configuration.defaultModel,
            schedulerConfiguration: configuration.scheduler,
            allowsPathsOutsideRepository: configuration.allowsModelPathsOutsideRepository, loader: loader,
            generatorLoader: generatorLoader, generationConfiguration: configuration.generation,
            servingChanged: { name, isServing in board.setStatus(isServing ? .serving : .notServing, for: name) },
            metrics: configuration.metrics)
    }

    /// The services to register in the server's router.
    public var services: [any RPCService] {
        let authorization = AdminAuthorization(token: configuration.adminToken)
        let inference = Inference(registry: registry)
        return [
            InferenceService(inference: inference, authorization: authorization),
            RegistryService(registry: registry, authorization: authorization),
            KServeService(inference: inference, authorization: authorization),
        ]
    }

    /// Loads and serves the newest complete version of every model in the repository.
    /// A model that fails to load is logged and listed; the others still serve.
    public func loadRepository() async {
        await registry.loadFromRepository(logger: logger) { _, complete in Array(complete.suffix(1)) }
        if !registry.isServing(configuration.defaultModel) {
            logger.warning(
                "the default model has no serving version; Inference calls without a model name will fail until one is loaded",
                metadata: ["model": "\(configuration.defaultModel)", "repository": "\(configuration.repository.path)"])
        }
    }
}

extension ModelServer {
    /// A model server whose versions are int8 BERT encoders or, for `kind: generative` folders,
    /// llama decoders, all sharing one compute pool.
    public static func withBertEncoder(
        configuration: ModelServerConfiguration, board: HealthStatusBoard,
        logger: Logger
    ) -> ModelServer {
        let pool = ComputePool(threads: configuration.computeThreads)
        return ModelServer(
            configuration: configuration, board: board, logger: logger,
            loader: bertLoader(pool: pool, maxTextBytes: configuration.maxTextBytes),
            generatorLoader: llamaLoader(
                pool: pool, kvCacheBytes: configuration.generation.kvCacheBytes,
                preciseDownProjection: configuration.generation.preciseDownProjection,
                fourBitDecode: configuration.generation.fourBitDecode))
    }
}
