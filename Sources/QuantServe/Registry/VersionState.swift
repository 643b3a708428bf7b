/// The life of a model version in the registry.
public enum VersionState: String, Sendable, Hashable, CaseIterable {
    /// Being read, verified, built and self-tested, off the request path.
    case loading
    /// Loaded and able to serve, but not the serving version.
    case ready
    /// The version that requests for the model get.
    case serving
    /// The load failed; the reason is kept.
    case failed
    /// Unloaded by the operator; freed when its last in-flight request ends.
    case unloading
}
