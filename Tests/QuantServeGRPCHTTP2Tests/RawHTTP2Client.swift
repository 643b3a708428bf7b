import QuantServeGRPC

@testable import QuantServeGRPCHTTP2

/// A deliberately unchecked HTTP/2 client for bad-input tests: it sends whatever headers and
/// body bytes a test asks for through its own nghttp2 client session and records every response
/// event per stream. Driven from one test task (`pump`), never concurrently.
final class RawHTTP2Client: NGHTTP2SessionDelegate {
    /// What one stream received.
    struct StreamRecord {
        var headerBlocks: [[(name: String, value: String)]] = []
        var data: [UInt8] = []
        var closedWithErrorCode: UInt32?

        /// The first value of `name` in any received header block.
        func header(_ name: String) -> String? {
            for block in headerBlocks {
                if let field = block.first(where: { $0.name == name }) { return field.value }
            }
            return nil
        }

        /// The status of the call, decoded from `grpc-message`.
        var grpcMessage: String? { header("grpc-message").map(GRPCStatusMessageEncoding.decode) }
    }

    private struct Body {
        var bytes: [UInt8]
        var offset = 0
        var ended: Bool
    }

    let connection: RawConnection
    private var session: NGHTTP2Session!
    private(set) var streams: [Int32: StreamRecord] = [:]
    private var bodies: [Int32: Body] = [:]
    private(set) var goAwayErrorCode: UInt32?
    /// PINGs the server sent (not acknowledgements of ours).
    private(set) var pingsReceived = 0

    init(connection: RawConnection) {
        self.connection = connection
        session = NGHTTP2Session(
            role: .client, delegate: self,
            settings: .init(
                maxConcurrentStreams: nil, initialStreamWindow: 1 << 20, connectionWindow: 1 << 24,
                maxHeaderListBytes: 1 << 20, enablePush: false
            ))
    }

    static func connect(port: Int) async throws -> RawHTTP2Client {
        RawHTTP2Client(connection: try await RawConnection.connect(port: port))
    }

    /// Queues a request. `body` goes out as DATA; with `endStream` false the stream stays open
    /// until `endBody`.
    @discardableResult
    func request(
        path: String,
        contentType: String = "application/grpc",
        extraHeaders: [(String, String)] = [],
        body: [UInt8],
        endStream: Bool = true
    ) -> Int32 {
        var fields = HTTP2HeaderList()
        fields.add(":method", "POST")
        fields.add(":scheme", "http")
        fields.add(":path", path)
        fields.add(":authority", "127.0.0.1")
        fields.add("content-type", contentType)
        fields.add("te", "trailers")
        for (name, value) in extraHeaders { fields.add(name, value) }
        let streamID = session.submitRequest(fields, endStream: false)!
        bodies[streamID] = Body(bytes: body, ended: endStream)
        streams[streamID] = StreamRecord()
        return streamID
    }

    /// A gRPC message with its prefix.
    static func framed(_ text: String) -> [UInt8] {
        GRPCMessageFramer.frame(Array(text.utf8))
    }

    /// Resets a stream (RST_STREAM CANCEL).
    func reset(_ streamID: Int32) {
        session.submitReset(streamID: streamID, errorCode: NGHTTP2Session.ErrorCode.cancel)
    }

    /// Writes what the session has queued, feeds it what arrived, then writes what that made
    /// it queue (PING and SETTINGS acknowledgements go out at once, not at the next pump).
    func pump() async throws {
        try await flush()
        let input = connection.inbox.take()
        if !input.isEmpty {
            _ = input.withUnsafeBytes { session.receive($0) }
            try await flush()
        }
    }

    private func flush() async throws {
        var output: [UInt8] = []
        _ = session.send { output.append(contentsOf: $0) }
        if !output.isEmpty, !connection.inbox.isClosed {
            do {
                try await connection.write(output)
            } catch  where connection.inbox.isClosed {
                // The server closed the connection; what it sent before is still read.
            }
        }
    }

    /// Pumps until `condition` holds, pumping again each time the server sends something;
    /// false when the connection closed without it, or after the failure detector's bound.
    func wait(until condition: (RawHTTP2Client) -> Bool) async throws -> Bool {
        while true {
            let seen = connection.inbox.changes
            try await pump()
            if condition(self) { return true }
            if connection.inbox.isClosed && connection.inbox.changes == seen { return false }
            guard await connection.inbox.waitForChange(after: seen) else { return false }
        }
    }

    /// Pumps until `streamID` closes; returns its record.
    func waitForClose(_ streamID: Int32) async throws -> StreamRecord {
        _ = try await wait { $0.streams[streamID]?.closedWithErrorCode != nil }
        return streams[streamID] ?? StreamRecord()
    }

    // MARK: NGHTTP2SessionDelegate

    func sessionBeginHeaders(streamID: Int32) {
        streams[streamID, default: StreamRecord()].headerBlocks.append([])
    }

    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let field = (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        streams[streamID, default: StreamRecord()].headerBlocks[streams[streamID]!.headerBlocks.count - 1].append(field)
    }

    func sessionEndHeaders(streamID: Int32, endStream: Bool) {}

    func sessionData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        streams[streamID, default: StreamRecord()].data.append(contentsOf: bytes)
    }

    func sessionDataEndStream(streamID: Int32) {}

    func sessionStreamClosed(streamID: Int32, errorCode: UInt32) {
        streams[streamID, default: StreamRecord()].closedWithErrorCode = errorCode
    }

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
        guard var body = bodies[streamID] else { return .end(0, endStream: true) }
        let count = min(buffer.count, body.bytes.count - body.offset)
        buffer.copyBytes(from: body.bytes[body.offset..<(body.offset + count)])
        body.offset += count
        bodies[streamID] = body
        if body.offset == body.bytes.count {
            return body.ended ? .end(count, endStream: true) : (count > 0 ? .bytes(count) : .deferred)
        }
        return .bytes(count)
    }

    func sessionSentEndStream(streamID: Int32) {}

    func sessionGoAway(lastStreamID: Int32, errorCode: UInt32) {
        goAwayErrorCode = errorCode
    }

    func sessionPingAcknowledged() {}

    func sessionControlFrame(_ frame: NGHTTP2Session.ControlFrame) {
        if frame == .ping { pingsReceived += 1 }
    }
}
