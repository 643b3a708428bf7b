import ArgumentParser
import Logging
import QuantServe
import QuantServeHTTP

/// The HTTP flags of `quantserve serve`: `--http-port` turns on the OpenAI-compatible
/// endpoints (`POST /v1/embeddings`, `GET /v1/models`, `GET /health`) on a cleartext HTTP/1.1 port.
struct ServeHTTPOptions: ParsableArguments {
    @Option(help: "Port of the OpenAI-compatible HTTP/1.1 API (0 picks a free one; default: no HTTP port).")
    var httpPort: Int?

    @Option(help: "Address the HTTP port listens on (default: --host).")
    var httpHost: String?

    @Option(help: "Seconds one HTTP embeddings request may take before it gets 504.")
    var httpRequestTimeout: Double = 30

    func validate() throws {
        if let httpPort, !(0...65_535).contains(httpPort) { throw ValidationError("--http-port must be in 0...65535") }
        guard httpRequestTimeout > 0 else { throw ValidationError("--http-request-timeout must be positive") }
    }

    /// The HTTP server over `models`, with the gRPC port's limits (message size as the body
    /// limit, connection limit, idle and request-body timeouts); nil without `--http-port`.
    func server(
        models: ModelServer, host: String, maxBodyBytes: Int, maxConnections: Int, idleTimeout: Double,
        requestBodyTimeout: Double, logger: Logger
    ) -> HTTPServer? {
        guard let httpPort else { return nil }
        var router = HTTPRouter()
        OpenAIEndpoints(inference: Inference(registry: models.registry), requestTimeout: .seconds(httpRequestTimeout))
            .register(in: &router)
        var configuration = HTTPServerConfiguration(host: httpHost ?? host, port: httpPort)
        configuration.maxRequestBodyBytes = maxBodyBytes
        configuration.maxConnections = maxConnections
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.requestTimeout = .seconds(requestBodyTimeout)
        return HTTPServer(router: router, configuration: configuration, logger: logger)
    }
}
