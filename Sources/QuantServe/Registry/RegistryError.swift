/// Why the registry refused an operation or a request.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownModel(String)
    case unknownVersion(name: String, version: UInt64)
    case noServingVersion(String)
    case notReady(name: String, version: UInt64, state: VersionState)
    case alreadyLoaded(name: String, version: UInt64, state: VersionState)
    case missingDirectory(path: String)
    case loadFailed(name: String, version: UInt64, reason: String)
    case invalidName(String)
    /// A caller-given folder (`LoadModel.path`) resolves outside the repository.
    case outsideRepository(path: String, resolved: String, repository: String)
    /// A READY version that is not serving, named by a call that is not admin-authorized.
    case notServing(name: String, version: UInt64, serving: UInt64?)

    public var description: String {
        switch self {
        case .unknownModel(let name):
            "no model named '\(name)' is loaded"
        case .unknownVersion(let name, let version):
            "model '\(name)' has no version \(version)"
        case .noServingVersion(let name):
            "model '\(name)' has no serving version"
        case .notReady(let name, let version, let state):
            "model '\(name)' version \(version) is \(state.rawValue), not ready to serve"
        case .alreadyLoaded(let name, let version, let state):
            "model '\(name)' version \(version) is already \(state.rawValue)"
        case .missingDirectory(let path):
            "no model version folder at \(path)"
        case .loadFailed(let name, let version, let reason):
            "model '\(name)' version \(version) failed to load: \(reason)"
        case .invalidName(let name):
            "'\(name)' is not a valid model name (letters, digits, '-', '_' and '.')"
        case .outsideRepository(let path, let resolved, let repository):
            "\(path) resolves to \(resolved), outside the model repository \(repository); the server loads only from "
                + "its repository unless started with --allow-model-path-outside-repository"
        case .notServing(let name, let version, let serving):
            "model '\(name)' version \(version) is loaded but not serving; only admin-authorized calls (an operator's "
                + "canary check) may use it. Name version 0 for the serving version"
                + (serving.map { " (\($0))" } ?? "")
        }
    }
}
