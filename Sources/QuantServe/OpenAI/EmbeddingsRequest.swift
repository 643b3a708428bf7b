import Foundation

/// The body of `POST /v1/embeddings`, as OpenAI documents it. Token-array inputs are refused
/// (this server takes text), `user` is ignored.
struct EmbeddingsRequest: Decodable, Equatable {
    /// How the vectors are written back.
    enum EncodingFormat: String, Decodable {
        /// A JSON array of numbers.
        case float
        /// Base64 of the little-endian float32 bytes.
        case base64
    }

    var texts: [String]
    var model: String
    var encodingFormat: EncodingFormat
    var dimensions: Int?

    /// The deepest nesting a valid request has (the body object, then `input` as an array of
    /// token arrays, which is refused after decoding with a clear message).
    static let maxNesting = 3

    private enum CodingKeys: String, CodingKey {
        case input, model, dimensions, user
        case encodingFormat = "encoding_format"
    }

    /// Decodes `body`, refusing nesting deeper than a valid request's before it is parsed.
    static func decode(_ body: Data) throws(OpenAIError) -> EmbeddingsRequest {
        guard JSONNesting.depth(of: body, stoppingAfter: maxNesting) <= maxNesting else {
            throw .invalidRequest("the JSON body is nested deeper than an embeddings request is (\(maxNesting) levels)")
        }
        do {
            return try JSONDecoder().decode(EmbeddingsRequest.self, from: body)
        } catch let error as OpenAIError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidRequest("'\(key.stringValue)' is required", param: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidRequest("'\(path)' has the wrong type: \(context.debugDescription)", param: path)
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidRequest(
                path.isEmpty ? "the body is not valid JSON" : "'\(path)': \(context.debugDescription)",
                param: path.isEmpty ? nil : path)
        } catch {
            throw .invalidRequest("the body is not a valid embeddings request: \(error)")
        }
    }

    init(texts: [String], model: String, encodingFormat: EncodingFormat = .float, dimensions: Int? = nil) {
        self.texts = texts
        self.model = model
        self.encodingFormat = encodingFormat
        self.dimensions = dimensions
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        encodingFormat = try container.decodeIfPresent(EncodingFormat.self, forKey: .encodingFormat) ?? .float
        dimensions = try container.decodeIfPresent(Int.self, forKey: .dimensions)
        if let text = try? container.decode(String.self, forKey: .input) {
            texts = [text]
        } else if let list = try? container.decode([String].self, forKey: .input) {
            texts = list
        } else if (try? container.decode([Int].self, forKey: .input)) != nil
            || (try? container.decode([[Int]].self, forKey: .input)) != nil
        {
            throw OpenAIError.invalidRequest(
                "token-array inputs are not supported: send 'input' as a string or an array of strings",
                param: "input", code: "unsupported_input")
        } else {
            guard container.contains(.input) else {
                throw OpenAIError.invalidRequest("'input' is required", param: "input")
            }
            throw OpenAIError.invalidRequest("'input' must be a string or an array of strings", param: "input")
        }
    }
}

/// How deeply JSON text nests objects and arrays, counted over the raw bytes (strings and
/// their escapes skipped) so that a hostile body is refused before a parser recurses into it.
enum JSONNesting {
    /// The deepest nesting in `data`, or `limit + 1` as soon as that is passed.
    static func depth(of data: Data, stoppingAfter limit: Int) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > limit { return deepest }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
