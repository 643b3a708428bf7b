import QuantServeAPI
import QuantServeGRPC

/// `RepositoryIndex`, `RepositoryModelLoad` and `RepositoryModelUnload` on the model registry,
/// under the same admin authorization as `inference.v1.ModelRegistry`. A load serves the newest
/// complete version of the model's repository folder; an unload unloads every version.
extension KServeService {
    func registerRepository(in router: inout RPCRouter) {
        router.registerUnary(KServe.Methods.repositoryIndex) { (request: KServe.RepositoryIndexRequest, context) in
            try authorization.check(context)
            try Self.checkRepositoryName(request.repositoryName)
            return ServerResponse(KServe.RepositoryIndexResponse(models: index(readyOnly: request.ready)))
        }
        router.registerUnary(KServe.Methods.repositoryModelLoad) {
            (request: KServe.RepositoryModelLoadRequest, context) in
            try authorization.check(context)
            try Self.checkRepositoryName(request.repositoryName)
            guard request.parameterNames.isEmpty else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "QuantServe loads a model's newest version folder from its repository as it is; "
                        + "load parameters (\(request.parameterNames.map { ClientText.quoted($0) }.joined(separator: ", "))) are not supported"
                )
            }
            try await load(request.modelName)
            return ServerResponse(KServe.RepositoryModelLoadResponse())
        }
        router.registerUnary(KServe.Methods.repositoryModelUnload) {
            (request: KServe.RepositoryModelUnloadRequest, context) in
            try authorization.check(context)
            try Self.checkRepositoryName(request.repositoryName)
            if let unknown = request.parameterNames.first(where: { $0 != "unload_dependents" }) {
                throw RPCError(
                    code: .invalidArgument,
                    message:
                        "unload parameter \(ClientText.quoted(unknown)) is not supported; the only one is unload_dependents"
                )
            }
            try unload(request.modelName)
            return ServerResponse(KServe.RepositoryModelUnloadResponse())
        }
    }

    /// Every version the registry holds, and the repository's model folders it holds none of (UNAVAILABLE).
    private func index(readyOnly: Bool) -> [KServe.ModelIndex] {
        let models = registry.list()
        var entries: [KServe.ModelIndex] = []
        for model in models {
            for version in model.versions {
                let (state, reason) = Self.state(version, serving: model.servingVersion)
                entries.append(
                    KServe.ModelIndex(name: model.name, version: String(version.version), state: state, reason: reason))
            }
        }
        let known = Set(models.filter { !$0.versions.isEmpty }.map(\.name))
        for name in registry.repositoryModelNames() where !known.contains(name) {
            entries.append(KServe.ModelIndex(name: name, state: "UNAVAILABLE", reason: "unloaded"))
        }
        return readyOnly ? entries.filter { $0.state == "READY" } : entries
    }

    private static func state(_ version: ModelRegistry.VersionStatus, serving: UInt64?) -> (String, String) {
        switch version.state {
        case .serving: ("READY", "")
        case .ready: ("READY", "loaded, not serving" + (serving.map { " (version \($0) serves)" } ?? ""))
        case .loading: ("LOADING", "")
        case .unloading: ("UNLOADING", "waiting for \(version.inFlight) requests to end")
        case .failed: ("UNAVAILABLE", version.error ?? "")
        }
    }

    /// Makes the newest complete version of `name` serve, loading it unless it is loaded already.
    private func load(_ name: String) async throws {
        try ModelRegistry.validate(name: name)
        guard let newest = registry.completeVersions(of: name).last else {
            throw RPCError(
                code: .notFound,
                message: "the repository has no complete version of model \(ClientText.quoted(name)) "
                    + "(a folder \(name)/<version>/ holding \(RepositoryWatcher.completionMarker))")
        }
        let existing = registry.list(name: name).first?.versions.first { $0.version == newest }
        switch existing?.state {
        case .serving?:
            return
        case .ready?:
            try registry.serve(name: name, version: newest)
        default:
            try await registry.load(name: name, version: newest, serve: true)
        }
    }

    /// Unloads every version of `name`.
    private func unload(_ name: String) throws {
        guard let model = registry.list(name: name).first, !name.isEmpty else { throw RegistryError.unknownModel(name) }
        for version in model.versions where version.state != .unloading {
            try registry.unload(name: name, version: version.version)
        }
    }

    private static func checkRepositoryName(_ name: String) throws {
        guard name.isEmpty else {
            throw RPCError(
                code: .invalidArgument,
                message:
                    "QuantServe has one model repository: leave repository_name empty (it is \(ClientText.quoted(name)))"
            )
        }
    }
}
