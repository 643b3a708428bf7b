import QuantServeGRPC
import QuantServeGRPCHTTP2

/// Makes a workload's calls over `connectionCount` GRPCClient connections.
final class GRPCCallIssuer: CallIssuer {
    let connectionCount: Int
    private let clients: [GRPCClient]
    private let method: MethodDescriptor
    private let requests: any Workload
    private let timeout: Duration?

    /// Connects `connectionCount` clients to `host:port`.
    init(host: String, port: Int, connectionCount: Int, workload: any Workload, timeout: Duration?) async throws {
        self.clients = try await Self.connect(host: host, port: port, count: connectionCount)
        self.connectionCount = connectionCount
        method = workload.method
        requests = workload
        self.timeout = timeout
    }

    func call(connection: Int, callIndex: Int) async -> CallOutcome {
        do {
            _ = try await clients[connection].unary(
                method, request: RawMessage(serializedBytes: requests.request(callIndex: callIndex)),
                timeout: timeout, responseType: RawMessage.self
            )
            return .succeeded
        } catch let error as RPCError {
            return .failed(error.code)
        } catch {
            return .transportFailure
        }
    }

    /// `count` connected clients of `host:port`.
    static func connect(host: String, port: Int, count: Int) async throws -> [GRPCClient] {
        var clients: [GRPCClient] = []
        for _ in 0..<count {
            let client = GRPCClient(host: host, port: port)
            try await client.connect()
            clients.append(client)
        }
        return clients
    }

    /// Closes every connection.
    func close() async {
        for client in clients { await client.close() }
    }
}
