import QuantServeAPI
import QuantServeGRPC

/// `inference.GRPCInferenceService`, the KServe v2 / Triton gRPC protocol, over the same
/// registry, admission and batcher as `inference.v1.Inference`: health, metadata, config,
/// `ModelInfer` (Embed or Classify, chosen by the requested outputs), statistics, and the
/// repository RPCs under the admin authorization. The rest of the service is UNIMPLEMENTED.
public struct KServeService: RPCService {
    /// The name `ServerMetadata` reports.
    public static let serverName = "quantserve"
    /// The protocol version `ServerMetadata` reports.
    public static let protocolVersion = "2"
    /// The protocol extensions QuantServe offers.
    public static let extensions = ["model_repository", "model_configuration", "statistics", "parameters"]

    public let inference: Inference
    /// Guards the repository RPCs, and which calls may use a READY version that is not serving.
    public let authorization: AdminAuthorization
    let statistics = KServeStatistics()
    var registry: ModelRegistry { inference.registry }

    public init(inference: Inference, authorization: AdminAuthorization) {
        self.inference = inference
        self.authorization = authorization
    }

    public func register(in router: inout RPCRouter) {
        router.registerUnary(KServe.Methods.serverLive) { (_: KServe.ServerLiveRequest, _) in
            ServerResponse(KServe.ServerLiveResponse(live: true))
        }
        router.registerUnary(KServe.Methods.serverReady) { (_: KServe.ServerReadyRequest, _) in
            ServerResponse(KServe.ServerReadyResponse(ready: registry.isServing(registry.defaultModel)))
        }
        router.registerUnary(KServe.Methods.modelReady) { (request: KServe.ModelReadyRequest, context) in
            let version = try Self.versionNumber(request.version)
            let ready = (try? withVersion(name: request.name, version: version, context) { _ in true }) ?? false
            return ServerResponse(KServe.ModelReadyResponse(ready: ready))
        }
        router.registerUnary(KServe.Methods.serverMetadata) { (_: KServe.ServerMetadataRequest, _) in
            ServerResponse(
                KServe.ServerMetadataResponse(
                    name: Self.serverName, version: Self.protocolVersion, extensions: Self.extensions))
        }
        router.registerUnary(KServe.Methods.modelMetadata) { (request: KServe.ModelMetadataRequest, context) in
            let version = try Self.versionNumber(request.version)
            return ServerResponse(
                try withVersion(name: request.name, version: version, context) { loaded in
                    let signature = try KServeModelSignature(loaded)
                    return KServe.ModelMetadataResponse(
                        name: loaded.name, versions: readyVersions(of: loaded.name),
                        platform: KServeModelSignature.platform,
                        inputs: signature.metadataInputs, outputs: signature.metadataOutputs)
                })
        }
        router.registerUnary(KServe.Methods.modelConfig) { (request: KServe.ModelConfigRequest, context) in
            let version = try Self.versionNumber(request.version)
            return ServerResponse(
                try withVersion(name: request.name, version: version, context) { loaded in
                    KServe.ModelConfigResponse(config: try KServeModelSignature(loaded).config(name: loaded.name))
                })
        }
        router.registerUnary(KServe.Methods.modelInfer) { (request: KServe.ModelInferRequest, context) in
            ServerResponse(try await infer(request, context))
        }
        router.registerUnary(KServe.Methods.modelStatistics) { (request: KServe.ModelStatisticsRequest, _) in
            ServerResponse(try modelStatistics(request))
        }
        registerRepository(in: &router)
        for method in KServe.Methods.unimplemented {
            router.register(method) { _, _, _ in
                throw RPCError(
                    code: .unimplemented,
                    message: "QuantServe does not implement \(method.method) of \(KServe.service); it answers "
                        + KServe.Methods.implemented.map(\.method).joined(separator: ", "))
            }
        }
    }

    /// Runs `body` with the version `name`/`version` resolves to (the same access rule as
    /// `InferenceService`: a READY version that is not serving only for admin-authorized calls).
    func withVersion<T>(name: String, version: UInt64, _ context: ServerContext, _ body: (LoadedVersion) throws -> T)
        throws -> T
    {
        let access: VersionAccess = version != 0 && authorization.permits(context) ? .anyReady : .servingOnly
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        return try body(loaded)
    }

    /// The versions of `name` that can serve, as decimal strings.
    private func readyVersions(of name: String) -> [String] {
        (registry.list(name: name).first?.versions ?? [])
            .filter { $0.state == .ready || $0.state == .serving }
            .map { String($0.version) }
    }

    private func modelStatistics(_ request: KServe.ModelStatisticsRequest) throws -> KServe.ModelStatisticsResponse {
        let version = try Self.versionNumber(request.version)
        let models = registry.list(name: request.name)
        if !request.name.isEmpty && models.isEmpty {
            throw RegistryError.unknownModel(request.name)
        }
        var stats: [KServe.ModelStatistics] = []
        for model in models {
            for status in model.versions
            where (status.state == .ready || status.state == .serving)
                && (version == 0 || status.version == version)
            {
                stats.append(statistics.statistics(name: model.name, version: status.version))
            }
        }
        if version != 0 && stats.isEmpty {
            if request.name.isEmpty {
                throw RPCError(code: .notFound, message: "no model has a ready version \(version)")
            }
            throw RegistryError.unknownVersion(name: request.name, version: version)
        }
        return KServe.ModelStatisticsResponse(modelStats: stats)
    }

    /// A request's `version` field as a registry version: empty is 0 (the serving version).
    static func versionNumber(_ text: String) throws -> UInt64 {
        if text.isEmpty { return 0 }
        guard text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = UInt64(text), number > 0
        else {
            throw RPCError(
                code: .invalidArgument,
                message: "model version \(ClientText.quoted(text)) is not a version number: "
                    + "give a positive decimal number, or leave it empty for the serving version")
        }
        return number
    }
}
