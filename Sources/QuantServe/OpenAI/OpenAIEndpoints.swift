import Foundation
import QuantServeHTTP

/// The OpenAI-compatible HTTP API over the same inference path as gRPC Embed (same registry,
/// batcher, limits and errors): `POST /v1/embeddings`, `GET /v1/models`, `GET /health`.
/// The `authorization` header is ignored (there is no key to check). Only serving versions
/// answer: there is no admin access to canary versions over this API.
public struct OpenAIEndpoints: Sendable {
    public let inference: Inference
    /// How long one embeddings request may take before it gets 504.
    public let requestTimeout: Duration

    public init(inference: Inference, requestTimeout: Duration = .seconds(30)) {
        self.inference = inference
        self.requestTimeout = requestTimeout
    }

    /// Adds the routes to `router`, and has the server word its own refusals (413, 404, ...)
    /// in OpenAI's error shape.
    public func register(in router: inout HTTPRouter) {
        router.refusalResponse = { status, message in
            OpenAIError(status: status, message: message, type: status < 500 ? "invalid_request_error" : "server_error")
                .response
        }
        router.add("POST", "/v1/embeddings") { request in
            do {
                return try await embeddings(EmbeddingsRequest.decode(request.body))
            } catch {
                return OpenAIError(error).response
            }
        }
        router.add("GET", "/v1/models") { _ in models() }
        router.add("GET", "/health") { _ in health() }
    }

    /// Embeds the request's texts and writes them as OpenAI does.
    func embeddings(_ request: EmbeddingsRequest) async throws -> HTTPResponse {
        if let dimensions = request.dimensions {
            let served = try servedDimensions(of: request.model)
            guard dimensions == served else {
                throw OpenAIError.invalidRequest(
                    "'dimensions' must be \(served) for model '\(request.model)', or left out: this server does not shorten embeddings",
                    param: "dimensions")
            }
        }
        let result = try await inference.embed(
            name: request.model, version: 0, texts: request.texts, truncate: false,
            deadline: ContinuousClock.now + requestTimeout)
        let promptTokens = result.tokenCounts.reduce(0, +)
        var body = JSONText(reservingCapacity: 128 + result.vectors.count * result.dimensions * 12)
        body.object { response in
            response.key("object")
            response.string("list")
            response.key("data")
            response.array { data in
                for (index, vector) in result.vectors.enumerated() {
                    data.object { item in
                        item.key("object")
                        item.string("embedding")
                        item.key("index")
                        item.integer(index)
                        item.key("embedding")
                        switch request.encodingFormat {
                        case .float: item.array { numbers in for value in vector { numbers.float(value) } }
                        case .base64: item.string(Self.base64(vector))
                        }
                    }
                }
            }
            response.key("model")
            response.string(result.name)
            response.key("usage")
            response.object { usage in
                usage.key("prompt_tokens")
                usage.integer(promptTokens)
                usage.key("total_tokens")
                usage.integer(promptTokens)
            }
        }
        return HTTPResponse(
            status: 200,
            headers: [
                ("content-type", "application/json"),
                ("x-model-version", String(result.version)),
            ],
            body: body.data)
    }

    /// The dimensions of the version serving `name` now.
    private func servedDimensions(of name: String) throws -> Int {
        let loaded = try inference.registry.acquire(name: name, version: 0)
        defer { inference.registry.release(loaded) }
        return try loaded.engine.dimensions
    }

    /// Every model with a serving version, in OpenAI's list shape; `created` is when the
    /// serving version's folder was last modified.
    func models() -> HTTPResponse {
        var body = JSONText()
        body.object { response in
            response.key("object")
            response.string("list")
            response.key("data")
            response.array { data in
                for model in inference.registry.list() {
                    guard let serving = model.versions.first(where: { $0.version == model.servingVersion }) else {
                        continue
                    }
                    let modified =
                        (try? FileManager.default.attributesOfItem(atPath: serving.path)[.modificationDate]) as? Date
                    data.object { item in
                        item.key("id")
                        item.string(model.name)
                        item.key("object")
                        item.string("model")
                        item.key("created")
                        item.integer(Int(modified?.timeIntervalSince1970 ?? 0))
                        item.key("owned_by")
                        item.string("quantserve")
                    }
                }
            }
        }
        return HTTPResponse(status: 200, contentType: "application/json", body: body.data)
    }

    /// 200 when at least one model serves, 503 otherwise.
    func health() -> HTTPResponse {
        let serving = inference.registry.list().filter { $0.servingVersion != nil }.map(\.name)
        var body = JSONText()
        body.object { response in
            response.key("status")
            response.string(serving.isEmpty ? "unavailable" : "ok")
            response.key("models")
            response.array { names in for name in serving { names.string(name) } }
        }
        return HTTPResponse(status: serving.isEmpty ? 503 : 200, contentType: "application/json", body: body.data)
    }

    /// Base64 of the vector's float32 values, little-endian, as OpenAI's `encoding_format: base64`.
    static func base64(_ vector: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
