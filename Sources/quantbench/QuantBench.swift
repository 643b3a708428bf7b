import ArgumentParser
import Foundation
import GRPCCore
import GRPCHTTP2

/// The `quantbench` command: drives a gRPC server with one workload under one load model
/// and reports throughput, latency percentiles and failures.
@main
struct QuantBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantbench",
        abstract: "Load generator for QuantServe (and any gRPC server with the same services).",
        discussion: """
            Closed loop: --concurrency calls in flight over --connections HTTP/2 connections, each \
            caller starting its next call when the previous one ends. Latency percentiles come from \
            an HdrHistogram of successful calls only; failures are counted by status code.
            """
    )

    @Argument(help: "The server, host:port.")
    var target = "127.0.0.1:50051"

    @Option(help: "What to call: \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method = WorkloadKind.health

    @OptionGroup var workloadOptions: WorkloadOptions

    @Option(help: "Calls in flight (closed loop).")
    var concurrency = 16

    @Option(help: "HTTP/2 connections the calls are spread over.")
    var connections = 1

    @Option(help: "Seconds of measurement.")
    var duration: Double = 10

    @Option(help: "Seconds of calls before measurement starts (not recorded).")
    var warmup: Double = 2

    @Option(help: "Per-call deadline in seconds (0: none).")
    var timeout: Double = 0

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func validate() throws {
        guard concurrency > 0, connections > 0 else { throw ValidationError("--concurrency and --connections must be positive") }
        guard connections <= concurrency else { throw ValidationError("--connections must not exceed --concurrency") }
        guard duration > 0, warmup >= 0, timeout >= 0 else { throw ValidationError("--duration must be positive, --warmup and --timeout not negative") }
        guard Self.split(target) != nil else { throw ValidationError("target must be host:port, got \(target)") }
    }

    func run() async throws {
        guard let (host, port) = Self.split(target) else { return }
        let workload = method.makeWorkload(options: workloadOptions)
        let issuer = try await GRPCCallIssuer(
            host: host, port: port, connectionCount: connections, workload: workload,
            timeout: timeout > 0 ? .seconds(timeout) : nil
        )
        let load = ClosedLoop(concurrency: concurrency)
        let recording = await load.run(issuer, phases: BenchmarkPhases(warmup: .seconds(warmup), duration: .seconds(duration)))
        await issuer.close()
        let report = BenchmarkReport(recording: recording, target: target, workload: workload, load: load, connections: connections)
        print(json ? try report.json() : report.text)
    }

    /// `host:port` split in two; the host may be a bracketed IPv6 address.
    static func split(_ target: String) -> (host: String, port: Int)? {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]), (1...65_535).contains(port) else {
            return nil
        }
        var host = String(target[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
