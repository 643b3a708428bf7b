/// Why a Jinja template could not be loaded (a construct outside the supported subset, a
/// syntax error, a bound passed) or rendered (a type error, `raise_exception`, a bound passed).
public enum JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template uses something this interpreter does not support, or is malformed.
    case syntax(String, offset: Int)
    /// Rendering failed.
    case render(String)
    /// The template called `raise_exception(message)`.
    case raised(String)

    public var description: String {
        switch self {
        case .syntax(let message, let offset): "chat template, at byte \(offset): \(message)"
        case .render(let message): "chat template: \(message)"
        case .raised(let message): "chat template refused the input: \(message)"
        }
    }
}
