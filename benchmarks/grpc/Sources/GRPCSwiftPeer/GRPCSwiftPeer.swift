import ArgumentParser
import Foundation
import QuantServeGRPC
import GRPCNIOTransportHTTP2

/// Serves `PeerService` over grpc-swift-2's NIO HTTP/2 transport, in plaintext, until killed.
@main
struct GRPCSwiftPeer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grpc-swift-peer", abstract: "A grpc-swift-2 Health/Echo server for benchmarks.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 50052

    func run() async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port),
            transportSecurity: .plaintext,
            config: .defaults
        )
        let server = GRPCServer(transport: transport, services: [PeerService()])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            if let address = try await transport.listeningAddress.ipv4 {
                FileHandle.standardError.write(Data("grpc-swift-peer listening on \(address.host):\(address.port)\n".utf8))
            }
        }
    }
}
