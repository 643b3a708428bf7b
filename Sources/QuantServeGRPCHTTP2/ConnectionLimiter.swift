/// Counts a server's open connections, in all and per peer address, and decides whether a new
/// one may open. Pure; `GRPCServer` keeps it under its lock.
struct ConnectionLimiter {
    /// Connections open at once, all peers together.
    let maxConnections: Int
    /// Connections open at once from one address.
    let maxPerPeer: Int
    /// Connections open now.
    private(set) var openCount = 0
    /// Connections admitted since the server started.
    private(set) var admittedCount = 0
    /// Connections refused since the server started.
    private(set) var refusedCount = 0
    private var perPeer: [String: Int] = [:]

    init(maxConnections: Int, maxPerPeer: Int) {
        self.maxConnections = maxConnections
        self.maxPerPeer = maxPerPeer
    }

    /// Admits a connection from `peer` (an address without its port) and counts it open, or
    /// returns why it is refused (then it is not counted open).
    mutating func admit(peer: String) -> ServerConnectionStateMachine.Refusal? {
        if openCount >= maxConnections {
            refusedCount += 1
            return .init(reason: "too many connections (server limit \(maxConnections))")
        }
        let fromPeer = perPeer[peer, default: 0]
        if fromPeer >= maxPerPeer {
            refusedCount += 1
            return .init(reason: "too many connections from one address (limit \(maxPerPeer))")
        }
        openCount += 1
        admittedCount += 1
        perPeer[peer] = fromPeer + 1
        return nil
    }

    /// An admitted connection from `peer` closed.
    mutating func release(peer: String) {
        openCount -= 1
        let remaining = perPeer[peer, default: 1] - 1
        perPeer[peer] = remaining > 0 ? remaining : nil
    }
}
