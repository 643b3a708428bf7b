import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2

/// Makes Generate calls (server streaming) over `connectionCount` connections and records
/// each stream's token arrivals in `statistics`.
final class GenerateCallIssuer: CallIssuer {
    let connectionCount: Int
    let statistics: GenerationStatistics
    private let clients: [GRPCClient]
    private let requests: [GenerateRequest]
    private let timeout: Duration?

    init(
        host: String, port: Int, connectionCount: Int, requests: [GenerateRequest], timeout: Duration?,
        statistics: GenerationStatistics
    ) async throws {
        clients = try await GRPCCallIssuer.connect(host: host, port: port, count: connectionCount)
        self.connectionCount = connectionCount
        self.requests = requests
        self.timeout = timeout
        self.statistics = statistics
    }

    func call(connection: Int, callIndex: Int) async -> CallOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let (arrivals, promptTokens) = try await clients[connection].serverStreaming(
                InferenceMethods.generate, request: requests[callIndex % requests.count], timeout: timeout,
                responseType: GenerateChunk.self
            ) { response in
                var arrivals: [(ContinuousClock.Instant, Int)] = []
                var promptTokens: Int?
                for try await chunk in response.messages {
                    if !chunk.tokenIds.isEmpty { arrivals.append((clock.now, chunk.tokenIds.count)) }
                    if let usage = chunk.usage { promptTokens = Int(usage.promptTokens) }
                }
                return (arrivals, promptTokens)
            }
            statistics.record(start: start, arrivals: arrivals, promptTokens: promptTokens)
            return .succeeded
        } catch let error as RPCError {
            statistics.fail(start: start, status: "\(error.code)")
            return .failed(error.code)
        } catch {
            statistics.fail(start: start, status: "transport")
            return .transportFailure
        }
    }

    /// Closes every connection.
    func close() async {
        for client in clients { await client.close() }
    }
}
