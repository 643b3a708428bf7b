import ArgumentParser
import Logging
import QuantServe
import QuantServeHTTP

/// The metrics flags of `quantserve serve`: `--metrics-port` turns on the Prometheus endpoint
/// (`GET /metrics`, HTTP/1.1) on a port of its own. Off by default: the endpoint has no
/// authentication, so it listens only when asked.
struct ServeMetricsOptions: ParsableArguments {
    @Option(
        help: "Port of the Prometheus endpoint, GET /metrics over HTTP/1.1 (default: no endpoint; 0 picks a free port)."
    )
    var metricsPort: Int?

    @Option(help: "Address the metrics endpoint listens on (default: --host).")
    var metricsHost: String?

    func validate() throws {
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be in 0...65535")
        }
    }

    /// A fresh exposition when the endpoint is on, nil otherwise.
    func makeExposition() -> PrometheusExposition? {
        metricsPort == nil ? nil : PrometheusExposition()
    }

    /// Starts the endpoint serving `exposition` on `--metrics-host` (or `host`) and `--metrics-port`;
    /// nil without an exposition.
    func startEndpoint(_ exposition: PrometheusExposition?, host: String, logger: Logger) async throws -> HTTPServer? {
        guard let exposition else { return nil }
        var router = HTTPRouter()
        exposition.addRoute(to: &router)
        let endpoint = HTTPServer(
            router: router, configuration: HTTPServerConfiguration(host: metricsHost ?? host, port: metricsPort ?? 0),
            logger: logger)
        let port = try await endpoint.start()
        logger.info(
            "metrics endpoint listening",
            metadata: ["address": "\(metricsHost ?? host):\(port)", "path": "\(PrometheusExposition.path)"])
        return endpoint
    }
}
