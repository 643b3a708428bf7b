internal import QuantServeProto

/// Where a model version is in its life (`inference.v1.VersionState`).
public enum VersionState: Sendable, Hashable, RawRepresentable {
    /// Not set.
    case unspecified
    /// Being read, verified and self-tested.
    case loading
    /// Loaded and able to serve, but not the serving version.
    case ready
    /// The version that requests without an explicit version get.
    case serving
    /// The load failed; `ModelVersionStatus.error` says why.
    case failed
    /// Being freed once its in-flight requests end.
    case unloading
    /// A value this build does not know, kept as sent.
    case unrecognized(Int32)

    /// The state with this wire number.
    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .loading
        case 2: self = .ready
        case 3: self = .serving
        case 4: self = .failed
        case 5: self = .unloading
        default: self = .unrecognized(rawValue)
        }
    }

    /// The state's wire number.
    public var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .loading: 1
        case .ready: 2
        case .serving: 3
        case .failed: 4
        case .unloading: 5
        case .unrecognized(let value): value
        }
    }
}

extension VersionState {
    /// The state of a protobuf-c enum field.
    init(cValue: Inference__V1__VersionState) {
        self.init(rawValue: Int32(truncatingIfNeeded: cValue.rawValue))
    }

    /// The protobuf-c enum field value.
    var cValue: Inference__V1__VersionState {
        Inference__V1__VersionState(rawValue: .init(truncatingIfNeeded: rawValue))
    }
}
