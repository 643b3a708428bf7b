/// Why a model folder could not be written or loaded.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A required file is absent.
    case missingFile(String)
    /// The manifest could not be parsed.
    case invalidManifest(String)
    /// The manifest names an architecture this engine does not run.
    case unsupportedArchitecture(String)
    /// The model configuration is inconsistent or unsupported.
    case invalidConfig(String)
    /// A file's SHA-256 differs from the manifest's.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The weights file holds a tensor the configuration does not use.
    case unexpectedTensor(String)
    /// A tensor holds a value that cannot be used (NaN, infinity, a non-positive scale).
    case invalidTensorValue(tensor: String, reason: String)
    /// The destination of a quantization already exists.
    case destinationExists(String)
    /// The source folder of a quantization is unusable.
    case invalidSource(String)
    /// The knowledge base file is malformed or breaks a limit.
    case invalidKnowledgeBase(String)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case let .missingFile(path): "missing file \(path)"
        case let .invalidManifest(reason): "invalid manifest: \(reason)"
        case let .unsupportedArchitecture(name): "unsupported architecture '\(name)' (supported: bert)"
        case let .invalidConfig(reason): "invalid model config: \(reason)"
        case let .checksumMismatch(file, expected, actual):
            "checksum mismatch for \(file): manifest says sha256 \(expected), file has \(actual)"
        case let .unexpectedTensor(name): "tensor '\(name)' is not part of this model's configuration"
        case let .invalidTensorValue(tensor, reason): "tensor '\(tensor)': \(reason)"
        case let .destinationExists(path): "destination \(path) already exists"
        case let .invalidSource(reason): "invalid source model: \(reason)"
        case let .invalidKnowledgeBase(reason): "invalid knowledge base: \(reason)"
        }
    }
}
