import QuantServeAPI
import QuantServeGRPC

/// `inference.v1.ModelRegistry`: the operator's admin RPCs (list, load, serve, unload),
/// guarded by `AdminAuthorization`.
public struct RegistryService: RPCService {
    public let registry: ModelRegistry
    public let authorization: AdminAuthorization

    public init(registry: ModelRegistry, authorization: AdminAuthorization) {
        self.registry = registry
        self.authorization = authorization
    }

    public func register(in router: inout RPCRouter) {
        router.registerUnary(ModelRegistryMethods.listModels) {
            (request: ListModelsRequest, context) -> ServerResponse<ListModelsResponse> in
            try authorization.check(context)
            let models = registry.list(name: request.name)
            if !request.name.isEmpty && models.isEmpty {
                throw RegistryError.unknownModel(request.name)
            }
            return ServerResponse(ListModelsResponse(models: models.map(Self.message)))
        }
        router.registerUnary(ModelRegistryMethods.loadModel) {
            (request: LoadModelRequest, context) -> ServerResponse<LoadModelResponse> in
            try authorization.check(context)
            let status = try await registry.load(
                name: request.name, version: request.version,
                path: request.path.isEmpty ? nil : request.path, serve: request.serve)
            return ServerResponse(LoadModelResponse(model: Self.message(status)))
        }
        router.registerUnary(ModelRegistryMethods.serveVersion) {
            (request: ServeVersionRequest, context) -> ServerResponse<ServeVersionResponse> in
            try authorization.check(context)
            let status = try registry.serve(name: request.name, version: request.version)
            return ServerResponse(ServeVersionResponse(model: Self.message(status)))
        }
        router.registerUnary(ModelRegistryMethods.unloadModel) {
            (request: UnloadModelRequest, context) -> ServerResponse<UnloadModelResponse> in
            try authorization.check(context)
            let status = try registry.unload(name: request.name, version: request.version)
            return ServerResponse(UnloadModelResponse(model: Self.message(status)))
        }
    }

    static func message(_ status: ModelRegistry.ModelStatus) -> QuantServeAPI.ModelStatus {
        QuantServeAPI.ModelStatus(
            name: status.name,
            versions: status.versions.map { version in
                ModelVersionStatus(
                    version: version.version, state: state(version.state),
                    memoryBytes: UInt64(version.memoryBytes), error: version.error ?? "",
                    inFlight: UInt64(version.inFlight), path: version.path)
            },
            servingVersion: status.servingVersion ?? 0,
            isDefault: status.isDefault)
    }

    static func state(_ state: VersionState) -> QuantServeAPI.VersionState {
        switch state {
        case .loading: .loading
        case .ready: .ready
        case .serving: .serving
        case .failed: .failed
        case .unloading: .unloading
        }
    }
}
