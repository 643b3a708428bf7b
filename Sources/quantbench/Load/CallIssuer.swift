/// Makes one call on one of several connections; a load model decides when.
protocol CallIssuer: Sendable {
    /// How many connections the calls are spread over.
    var connectionCount: Int { get }
    /// Makes call number `callIndex` on connection `connection` and reports how it ended.
    func call(connection: Int, callIndex: Int) async -> CallOutcome
}
