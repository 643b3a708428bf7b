/// Why a request's input type cannot be used with a model.
public struct UnknownInputTypeError: Error, Equatable, CustomStringConvertible {
    /// The input type the request named.
    public var inputType: String
    /// The input types the model knows, sorted.
    public var known: [String]

    /// The error for `inputType` on a model knowing `known`.
    public init(inputType: String, known: [String]) {
        self.inputType = inputType
        self.known = known
    }

    public var description: String {
        known.isEmpty
            ? "input_type '\(inputType)' is not known: this model takes no input types"
            : "input_type '\(inputType)' is not known: this model takes \(known.map { "'\($0)'" }.joined(separator: ", "))"
    }
}

extension ModelManifest {
    /// The most bytes of one input prefix: prefixes are short instructions, not documents.
    public static let maximumInputPrefixBytes = 256

    /// The text put before every input of type `inputType` (empty: the default type). An empty
    /// type means `defaultInputType`, or no prefix when the model has none; an unknown type throws
    /// `UnknownInputTypeError`.
    public func inputPrefix(for inputType: String) throws -> String {
        let name = inputType.isEmpty ? defaultInputType : inputType
        guard let name else { return "" }
        guard let prefix = inputPrefixes[name] else {
            throw UnknownInputTypeError(inputType: name, known: inputPrefixes.keys.sorted())
        }
        return prefix
    }

    /// Throws unless every input prefix is short and the default input type is one of them.
    func validateInputTypes() throws {
        for (name, prefix) in inputPrefixes where name.isEmpty || prefix.utf8.count > Self.maximumInputPrefixBytes {
            throw ModelError.invalidManifest(
                "input prefix '\(name)' is unnamed or over \(Self.maximumInputPrefixBytes) bytes")
        }
        if let defaultInputType, inputPrefixes[defaultInputType] == nil {
            throw ModelError.invalidManifest("default_input_type '\(defaultInputType)' is not a key of input_prefixes")
        }
    }
}
