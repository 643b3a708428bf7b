import Foundation
import QuantServeTransformer
import Synchronization

/// Every model the server knows, its versions and which one serves.
///
/// Loads run off the request path (on a thread of their own): read, verify, build, self-test;
/// only then can a version serve. Swapping moves the serving pointer under a lock, so each
/// request resolves to exactly one version and holds it (`acquire`/`release`) until it ends.
/// An unloaded version is freed when its last in-flight request releases it.
///
/// A caller-given folder is read only inside the repository (see `RepositoryConfinement`); a READY
/// version that is not serving answers only admin-authorized calls (see `VersionAccess`).
public final class ModelRegistry: Sendable {
    /// Builds an engine from a version folder; throws a clear error when the folder is bad.
    public typealias EngineLoader = @Sendable (_ directory: URL) throws -> any EmbeddingEngine
    /// Builds a decoder model from a version folder, or returns nil when the folder holds no
    /// decoder (then `EngineLoader` loads it as an encoder); throws a clear error when it is bad.
    public typealias GeneratorLoader = @Sendable (_ directory: URL) throws -> GenerativeModel?

    /// A snapshot of one version for `ListModels`.
    public struct VersionStatus: Sendable, Hashable {
        public var version: UInt64
        public var state: VersionState
        public var memoryBytes: Int
        public var error: String?
        public var inFlight: Int
        public var path: String
        /// Requests and tokens waiting in the version's batch queue (0 when it is not loaded).
        public var queuedRequests = 0
        public var queuedTokens = 0
    }

    /// A snapshot of one model for `ListModels`.
    public struct ModelStatus: Sendable, Hashable {
        public var name: String
        public var versions: [VersionStatus]
        public var servingVersion: UInt64?
        public var isDefault: Bool
    }

    private struct VersionRecord {
        var state: VersionState
        var loaded: LoadedVersion?
        var error: String?
        var inFlight = 0
        var path: String
        var memoryBytes = 0
        /// The folder as it was when the last load began (the watcher retries a FAILED version when it changes).
        var signature: VersionFolderSignature?
    }

    private struct ModelRecord {
        var versions: [UInt64: VersionRecord] = [:]
        var serving: UInt64?
    }

    /// The folder holding `<name>/<version>/` model versions.
    public let repository: URL
    /// The model used when a request names none.
    public let defaultModel: String
    private let loader: EngineLoader
    private let generatorLoader: GeneratorLoader?
    private let generationConfiguration: GenerationConfiguration
    private let confinement: RepositoryConfinement
    private let schedulerConfiguration: SchedulerConfiguration
    /// Every model's record, by name; read and changed only under its lock.
    private let models = Mutex<[String: ModelRecord]>([:])
    private let servingChanged: @Sendable (_ name: String, _ isServing: Bool) -> Void
    private let metrics: ModelMetrics

    /// A registry over `repository`; `allowsPathsOutsideRepository` lets a load's `path`
    /// (`LoadModel.path`) name folders that resolve outside it.
    public init(
        repository: URL, defaultModel: String, schedulerConfiguration: SchedulerConfiguration,
        allowsPathsOutsideRepository: Bool = false, loader: @escaping EngineLoader,
        generatorLoader: GeneratorLoader? = nil, generationConfiguration: GenerationConfiguration = .init(),
        servingChanged: @escaping @Sendable (_ name: String, _ isServing: Bool) -> Void = { _, _ in },
        metrics: ModelMetrics = ModelMetrics()
    ) {
        self.repository = repository
        confinement = RepositoryConfinement(repository: repository, allowsOutside: allowsPathsOutsideRepository)
        self.defaultModel = defaultModel
        self.schedulerConfiguration = schedulerConfiguration
        self.loader = loader
        self.generatorLoader = generatorLoader
        self.generationConfiguration = generationConfiguration
        self.servingChanged = servingChanged
        self.metrics = metrics
    }

    // MARK: - The request path

    /// The version a request gets: `version` 0 means the serving one, an empty name the default
    /// model; a READY version that is not serving only with `.anyReady` access. The caller must
    /// `release` it when the request ends.
    public func acquire(name: String, version: UInt64, access: VersionAccess = .servingOnly) throws -> LoadedVersion {
        let name = name.isEmpty ? defaultModel : name
        return try models.withLock { (models) throws(RegistryError) -> LoadedVersion in
            guard let model = models[name] else { throw .unknownModel(name) }
            let number: UInt64
            if version == 0 {
                guard let serving = model.serving else { throw .noServingVersion(name) }
                number = serving
            } else {
                number = version
            }
            guard let record = model.versions[number] else { throw .unknownVersion(name: name, version: number) }
            guard let loaded = record.loaded, record.state == .ready || record.state == .serving else {
                throw .notReady(name: name, version: number, state: record.state)
            }
            guard record.state == .serving || access == .anyReady else {
                throw .notServing(name: name, version: number, serving: model.serving)
            }
            models[name]?.versions[number]?.inFlight += 1
            return loaded
        }
    }

    /// Ends a request's hold on a version; frees an unloading version when it was the last.
    public func release(_ loaded: LoadedVersion) {
        models.withLock { models in
            guard var record = models[loaded.name]?.versions[loaded.version], record.loaded === loaded else { return }
            record.inFlight -= 1
            if record.state == .unloading && record.inFlight == 0 {
                models[loaded.name]?.versions[loaded.version] = nil
            } else {
                models[loaded.name]?.versions[loaded.version] = record
            }
        }
    }

    // MARK: - Operations

    /// Loads `name`/`version` from `path` (which must resolve inside the repository unless the
    /// registry allows otherwise; default: the repository's folder), verifies and self-tests it,
    /// and makes it serve when `serve` is set. Returns once it is ready; a failure is kept in the
    /// registry's listing and thrown, and leaves the serving version untouched.
    @discardableResult
    public func load(name: String, version: UInt64, path: String? = nil, serve: Bool) async throws -> ModelStatus {
        try Self.validate(name: name)
        guard version > 0 else { throw RegistryError.unknownVersion(name: name, version: 0) }
        let directory = try confinement.resolve(
            path.map { URL(fileURLWithPath: $0) }
                ?? repository.appendingPathComponent(name).appendingPathComponent(String(version)),
            callerGiven: path != nil)
        try beginLoad(name: name, version: version, directory: directory)
        metrics.prepare(model: name)
        let outcome = await Self.runOnThread(named: "load \(name)/\(version)") { [self] in
            Result { try build(name: name, version: version, directory: directory) }
        }
        switch outcome {
        case .success(let loaded):
            finishLoad(name: name, version: version, loaded: loaded, serve: serve)
            return status(of: name)!
        case .failure(let error):
            let reason = "\(error)"
            failLoad(name: name, version: version, reason: reason)
            throw RegistryError.loadFailed(name: name, version: version, reason: reason)
        }
    }

    /// Makes a ready version the serving one (promote or roll back).
    @discardableResult
    public func serve(name: String, version: UInt64) throws -> ModelStatus {
        let name = name.isEmpty ? defaultModel : name
        let swapped = try models.withLock { (models) throws(RegistryError) -> Bool in
            let (found, record) = try Self.lookup(name, version, in: models)
            var model = found
            guard record.state == .ready || record.state == .serving else {
                throw .notReady(name: name, version: version, state: record.state)
            }
            let swapped = model.serving.map { $0 != version } ?? false
            if swapped, let previous = model.serving { model.versions[previous]?.state = .ready }
            model.versions[version]?.state = .serving
            model.serving = version
            models[name] = model
            return swapped
        }
        if swapped { metrics.hotSwapped(model: name) }
        servingChanged(name, true)
        return status(of: name)!
    }

    /// Stops a version from serving and frees it once its in-flight requests end.
    @discardableResult
    public func unload(name: String, version: UInt64) throws -> ModelStatus {
        let name = name.isEmpty ? defaultModel : name
        let stoppedServing = try models.withLock { (models) throws(RegistryError) -> Bool in
            var (model, record) = try Self.lookup(name, version, in: models)
            guard record.state != .loading else { throw .notReady(name: name, version: version, state: .loading) }
            let stoppedServing = model.serving == version
            if stoppedServing { model.serving = nil }
            if record.inFlight == 0 || record.loaded == nil {
                model.versions[version] = nil
            } else {
                record.state = .unloading
                model.versions[version] = record
            }
            models[name] = model
            return stoppedServing
        }
        if stoppedServing { servingChanged(name, false) }
        return status(of: name)
            ?? ModelStatus(name: name, versions: [], servingVersion: nil, isDefault: name == defaultModel)
    }

    /// Every model (or only `name`), with its versions.
    public func list(name: String? = nil) -> [ModelStatus] {
        models.withLock { models in
            models.keys.sorted().filter { name == nil || name == "" || $0 == name }.compactMap {
                status(of: $0, in: models)
            }
        }
    }

    /// Whether `name` (empty: the default model) has a serving version.
    public func isServing(_ name: String) -> Bool {
        let name = name.isEmpty ? defaultModel : name
        return models.withLock { $0[name]?.serving != nil }
    }

    /// The FAILED versions of `name`, each with its folder's signature when its last load began.
    public func failedVersions(of name: String) -> [UInt64: VersionFolderSignature] {
        models.withLock { models in
            var failed: [UInt64: VersionFolderSignature] = [:]
            for (number, record) in models[name]?.versions ?? [:] where record.state == .failed {
                failed[number] = record.signature
            }
            return failed
        }
    }

    /// Versions present in the registry (in any state) for `name`.
    public func knownVersions(of name: String) -> Set<UInt64> {
        models.withLock { Set($0[name]?.versions.keys.map { $0 } ?? []) }
    }

    // MARK: - Internals

    /// The record of model `name` and of its version `version`; throws which of them is unknown.
    private static func lookup(_ name: String, _ version: UInt64, in models: [String: ModelRecord])
        throws(RegistryError) -> (model: ModelRecord, version: VersionRecord)
    {
        guard let model = models[name] else { throw .unknownModel(name) }
        guard let record = model.versions[version] else { throw .unknownVersion(name: name, version: version) }
        return (model, record)
    }

    private func status(of name: String) -> ModelStatus? {
        models.withLock { status(of: name, in: $0) }
    }

    /// The snapshot of `name`, read from `models` (the caller holds the lock).
    private func status(of name: String, in models: [String: ModelRecord]) -> ModelStatus? {
        guard let model = models[name] else { return nil }
        let versions = model.versions.keys.sorted().map { number in
            let record = model.versions[number]!
            var status = VersionStatus(
                version: number, state: record.state, memoryBytes: record.memoryBytes,
                error: record.error, inFlight: record.inFlight, path: record.path)
            if let scheduler = record.loaded?.batchScheduler {
                status.queuedRequests = scheduler.queuedRequests
                status.queuedTokens = scheduler.waitingTokens
            }
            if let generator = record.loaded?.generationScheduler {
                status.queuedRequests = generator.queuedRequests
            }
            return status
        }
        return ModelStatus(
            name: name, versions: versions, servingVersion: model.serving, isDefault: name == defaultModel)
    }

    private func beginLoad(name: String, version: UInt64, directory: URL) throws {
        let signature = VersionFolderSignature(of: directory)
        try models.withLock { (models) throws(RegistryError) in
            if let existing = models[name]?.versions[version], existing.state != .failed {
                throw .alreadyLoaded(name: name, version: version, state: existing.state)
            }
            models[name, default: ModelRecord()].versions[version] = VersionRecord(
                state: .loading, path: directory.path, signature: signature)
        }
    }

    private func finishLoad(name: String, version: UInt64, loaded: LoadedVersion, serve: Bool) {
        models.withLock { models in
            var record = models[name]?.versions[version] ?? VersionRecord(state: .loading, path: loaded.directory.path)
            record.loaded = loaded
            record.memoryBytes = loaded.memoryBytes
            record.state = .ready
            record.error = nil
            models[name, default: ModelRecord()].versions[version] = record
        }
        if serve { _ = try? self.serve(name: name, version: version) }
    }

    private func failLoad(name: String, version: UInt64, reason: String) {
        models.withLock { models in
            models[name]?.versions[version]?.state = .failed
            models[name]?.versions[version]?.error = reason
        }
        metrics.loadFailed(model: name)
    }

    /// Reads, verifies and builds a version, then proves it computes.
    private func build(name: String, version: UInt64, directory: URL) throws -> LoadedVersion {
        if let generatorLoader, let model = try generatorLoader(directory) {
            let generator = try GenerationScheduler(
                model: model, configuration: generationConfiguration, name: "\(name)/\(version)")
            return LoadedVersion(
                name: name, version: version, directory: directory, generator: generator,
                metrics: metrics.version(name: name, version: version))
        }
        let engine = try loader(directory)
        try SelfTest.run(engine)
        let classifiers = try engine.labelSets.map { try LabelClassifier(labelSet: $0, engine: engine) }
        let knowledgeBase = try engine.knowledgeBase.map { try KnowledgeBaseIndex(source: $0, engine: engine) }
        let versionMetrics = metrics.version(name: name, version: version)
        let scheduler = BatchScheduler(
            engine: engine, configuration: schedulerConfiguration, name: "\(name)/\(version)",
            metrics: versionMetrics)
        return LoadedVersion(
            name: name, version: version, directory: directory, engine: engine, scheduler: scheduler,
            classifiers: classifiers, knowledgeBase: knowledgeBase, metrics: versionMetrics)
    }

    static func validate(name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 128, name.allSatisfy(allowed.contains), name != ".", name != ".." else {
            throw RegistryError.invalidName(name)
        }
    }

    /// Runs blocking work on a thread of its own, so it never holds a cooperative-pool thread.
    private static func runOnThread<T: Sendable>(named name: String, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = name
            thread.start()
        }
    }
}
