import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP connection to a server on loopback: sends arbitrary bytes and wakes waiters
/// when what arrived satisfies them or when the server closes the connection.
final class RawHTTPConnection: Sendable {
    private struct Waiter {
        var isSatisfied: @Sendable (_ received: String, _ closed: Bool) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var received: [UInt8] = []
        var closed = false
        var waiters: [Waiter] = []
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let connection: RawHTTPConnection

        init(_ connection: RawHTTPConnection) { self.connection = connection }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            connection.update { $0.received.append(contentsOf: unwrapInboundIn(data).readableBytesView) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            connection.update { $0.closed = true }
        }
    }

    private let state = Mutex(State())
    private let channel = Mutex<(any Channel)?>(nil)

    private init() {}

    static func connect(port: Int) async throws -> RawHTTPConnection {
        let connection = RawHTTPConnection()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(connection))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        connection.channel.withLock { $0 = channel }
        return connection
    }

    /// Everything received so far, as text.
    var received: String { state.withLock { String(decoding: $0.received, as: UTF8.self) } }

    func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    func write(_ bytes: [UInt8]) async throws {
        guard let channel = channel.withLock({ $0 }) else { return }
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Waits until the server has closed the connection. A server that never closes it
    /// fails the test: the connection is closed from this side after `limit`, and false returned.
    func waitForClose(limit: Duration = .seconds(10)) async -> Bool {
        await waitUntil(limit: limit) { _, closed in closed }
        return state.withLock { $0.closed } && !closedHere.withLock { $0 }
    }

    /// Waits until `count` complete responses (heads and their content-length bodies) arrived,
    /// or the connection closed; returns the responses that did.
    func waitForResponses(_ count: Int, limit: Duration = .seconds(10)) async -> [ParsedResponse] {
        await waitUntil(limit: limit) { received, closed in closed || ParsedResponse.parseAll(received).count >= count }
        return ParsedResponse.parseAll(received)
    }

    func close() async {
        guard let channel = channel.withLock({ $0 }) else { return }
        try? await channel.close()
    }

    private let closedHere = Mutex(false)

    private func waitUntil(limit: Duration, _ isSatisfied: @escaping @Sendable (String, Bool) -> Bool) async {
        let channel = channel.withLock { $0 }
        let guardClose = channel?.eventLoop.scheduleTask(in: TimeAmount(limit)) { [self] in
            closedHere.withLock { $0 = true }
            channel?.close(promise: nil)
        }
        defer { guardClose?.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if isSatisfied(String(decoding: state.received, as: UTF8.self), state.closed) { return true }
                state.waiters.append(Waiter(isSatisfied: isSatisfied, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state)
            let text = String(decoding: state.received, as: UTF8.self)
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.isSatisfied(text, state.closed) else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }
}

/// One HTTP/1.1 response read off the wire.
struct ParsedResponse: Equatable {
    var status: Int
    var headers: [String: String]
    var body: String

    /// The complete responses at the start of `text` (a body is as long as its content-length).
    static func parseAll(_ text: String) -> [ParsedResponse] {
        var responses: [ParsedResponse] = []
        var rest = Substring(text)
        while let headEnd = rest.range(of: "\r\n\r\n") {
            let lines = rest[..<headEnd.lowerBound].components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else { break }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = headEnd.upperBound
            guard let bodyEnd = rest.utf8.index(bodyStart, offsetBy: length, limitedBy: rest.endIndex) else { break }
            if status >= 200 {
                responses.append(
                    ParsedResponse(status: status, headers: headers, body: String(rest[bodyStart..<bodyEnd])))
            }
            rest = rest[bodyEnd...]
        }
        return responses
    }
}
