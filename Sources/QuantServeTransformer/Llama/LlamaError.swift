/// Why a llama model could not be loaded, or a decoder step could not run. Messages name the
/// file, key, tensor or sequence concerned.
public enum LlamaError: Error, Equatable, CustomStringConvertible {
    /// The GGUF's metadata does not describe a llama model this decoder runs.
    case invalidConfiguration(path: String, reason: String)
    /// A tensor the model needs is absent, or has the wrong shape.
    case invalidTensor(path: String, tensor: String, reason: String)
    /// A step names a sequence that is not open.
    case unknownSequence(Int)
    /// A step's entries are not valid (empty, repeated sequence, token out of range, no room reserved).
    case invalidStep(String)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case let .invalidConfiguration(path, reason): "GGUF file \(path) is not a supported llama model: \(reason)"
        case let .invalidTensor(path, tensor, reason): "GGUF file \(path): tensor '\(tensor)' \(reason)"
        case let .unknownSequence(id): "sequence \(id) is not open"
        case let .invalidStep(reason): "invalid decoder step: \(reason)"
        }
    }
}
