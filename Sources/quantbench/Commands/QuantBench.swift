import ArgumentParser

/// The `quantbench` command: a load generator for gRPC inference services. `run` is the
/// default subcommand, so `quantbench 127.0.0.1:50051 --method embed --rate 200` runs.
@main
struct QuantBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantbench",
        abstract: "Load generator for QuantServe (and any gRPC server with the same services).",
        subcommands: [RunCommand.self, CompareCommand.self, GenerateCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// `host:port` split in two; the host may be a bracketed IPv6 address.
    static func split(_ target: String) -> (host: String, port: Int)? {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
            (1...65_535).contains(port)
        else {
            return nil
        }
        var host = String(target[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
