import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

@Suite("Bad input over raw sockets", .tags(.loopback))
struct BadInputTests {
    static let protocolError: UInt32 = 1
    static let refusedStream: UInt32 = 7

    @Test func garbageInsteadOfThePrefaceGetsGoAwayProtocolError() async throws {
        let harness = try await TestHarness.start()
        let connection = try await RawConnection.connect(port: harness.port)
        try await connection.write([0x16, 0x03, 0x01, 0x02, 0x00] + Array("\u{01}not http at all, just noise".utf8))
        #expect(await connection.waitForClose())
        let frames = HTTP2Frame.parse(connection.inbox.bytes)
        let goAway = frames.first { $0.type == HTTP2Frame.goAwayType }
        #expect(goAway?.errorCode == Self.protocolError)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func http1RequestGetsAClearRefusal() async throws {
        let harness = try await TestHarness.start()
        let connection = try await RawConnection.connect(port: harness.port)
        try await connection.write(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        #expect(await connection.waitForClose())
        let reply = String(decoding: connection.inbox.bytes, as: UTF8.self)
        #expect(reply.hasPrefix("HTTP/1.1 505 "))
        #expect(reply.contains("gRPC over HTTP/2 only"))
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func wrongContentTypeGetsHTTP415() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(
            path: TestMethods.echo.path, contentType: "application/json", body: Array("{}".utf8))
        let record = try await client.waitForClose(stream)
        #expect(record.header(":status") == "415")
        #expect(String(decoding: record.data, as: UTF8.self).contains("application/json"))
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func lengthPrefixLongerThanTheBodyIsInternal() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(path: TestMethods.echo.path, body: [0, 0, 0, 0, 10, 1, 2, 3])
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.internal.rawValue))
        #expect(record.grpcMessage?.contains("ended inside a message: 3 of its 10 bytes") == true)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func bodyEndingInsideAPrefixIsInternal() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(path: TestMethods.echo.path, body: RawHTTP2Client.framed("whole") + [0, 0])
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.internal.rawValue))
        #expect(record.grpcMessage?.contains("prefix") == true)
        await harness.stop()
    }

    @Test func compressedFlagWithoutEncodingIsInternal() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(path: TestMethods.echo.path, body: [1, 0, 0, 0, 1, 42])
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.internal.rawValue))
        #expect(record.grpcMessage?.contains("compressed flag") == true)
        // Naming identity is the same as naming nothing.
        let named = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-encoding", "identity")], body: [1, 0, 0, 0, 1, 42])
        let namedRecord = try await client.waitForClose(named)
        #expect(namedRecord.header("grpc-status") == String(Status.Code.internal.rawValue))
        #expect(namedRecord.grpcMessage?.contains("compressed flag") == true)
        await harness.stop()
    }

    @Test func unsupportedEncodingIsUnimplementedWithAcceptEncoding() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-encoding", "snappy")], body: [1, 0, 0, 0, 1, 42])
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.unimplemented.rawValue))
        #expect(
            record.grpcMessage
                == "grpc-encoding \"snappy\" is not supported; this server accepts gzip, deflate, identity")
        #expect(record.header("grpc-accept-encoding") == "gzip, deflate, identity")
        await harness.stop()
    }

    @Test func oversizedLengthPrefixIsRefusedBeforeTheBodyArrives() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        // Announces 100 MiB, sends none of it and keeps the stream open.
        let stream = client.request(path: TestMethods.echo.path, body: [0, 0x06, 0x40, 0x00, 0x00], endStream: false)
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.resourceExhausted.rawValue))
        #expect(record.grpcMessage?.contains("104857600 bytes exceeds the limit") == true)
        // The server told the client to stop sending (RST_STREAM NO_ERROR after the trailers).
        #expect(record.closedWithErrorCode == 0)
        await harness.stop()
    }

    @Test func malformedTimeoutIsRejected() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-timeout", "soon")], body: RawHTTP2Client.framed("x"))
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.internal.rawValue))
        #expect(record.grpcMessage?.contains("grpc-timeout") == true)
        await harness.stop()
    }

    @Test func serverEnforcesTheDeadlineItself() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(
            path: TestMethods.sleep.path, extraHeaders: [("grpc-timeout", "150m")], body: RawHTTP2Client.framed("10000")
        )
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.deadlineExceeded.rawValue))
        #expect(await harness.probe.wait { $0.cancelled == 1 })
        await harness.stop()
    }

    @Test func moreStreamsThanAllowedAreRefused() async throws {
        let harness = try await TestHarness.start(configuration: .init(maxConcurrentStreams: 4))
        let client = try await RawHTTP2Client.connect(port: harness.port)
        // Six requests sent before the server's SETTINGS is even read.
        let streamIDs = (0..<6).map { _ in
            client.request(path: TestMethods.sleep.path, body: RawHTTP2Client.framed("300"))
        }
        #expect(
            try await client.wait { client in streamIDs.allSatisfy { client.streams[$0]?.closedWithErrorCode != nil } })
        let refused = streamIDs.filter { client.streams[$0]?.closedWithErrorCode == Self.refusedStream }
        let served = streamIDs.filter { client.streams[$0]?.header("grpc-status") == "0" }
        #expect(refused.count == 2)
        #expect(served.count == 4)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func headerListOverTheLimitIsResourceExhausted() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(
            path: TestMethods.echo.path, extraHeaders: [("x-big", String(repeating: "a", count: 20_000))],
            body: RawHTTP2Client.framed("x")
        )
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.resourceExhausted.rawValue))
        #expect(record.grpcMessage?.contains("header list") == true)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func hugeHeaderBlockClosesOnlyThatConnection() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        // 320 KB of headers: twenty CONTINUATION frames.
        let fields = (0..<40).map { ("x-filler-\($0)", String(repeating: "b", count: 8_000)) }
        let stream = client.request(path: TestMethods.echo.path, extraHeaders: fields, body: RawHTTP2Client.framed("x"))
        let resourceExhausted = String(Status.Code.resourceExhausted.rawValue)
        let ended = try await client.wait { client in
            client.streams[stream]?.header("grpc-status") != nil || client.goAwayErrorCode != nil
        }
        #expect(ended)
        // libnghttp2 1.52 as Debian patches it stops CONTINUATION floods with a connection
        // error (GOAWAY PROTOCOL_ERROR); a build without that limit gets RESOURCE_EXHAUSTED.
        let answered = client.streams[stream]?.header("grpc-status") == resourceExhausted
        #expect(answered || client.goAwayErrorCode == Self.protocolError)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func clientResetCancelsTheHandler() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(path: TestMethods.sleep.path, body: RawHTTP2Client.framed("10000"))
        try await client.pump()
        #expect(await harness.probe.wait { $0.started == 1 })
        client.reset(stream)
        try await client.pump()
        #expect(await harness.probe.wait { $0.cancelled == 1 })
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func clientDisconnectingMidCallCancelsTheHandler() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        client.request(path: TestMethods.sleep.path, body: RawHTTP2Client.framed("10000"))
        try await client.pump()
        #expect(await harness.probe.wait { $0.started == 1 })
        await client.connection.close()
        #expect(await harness.probe.wait { $0.cancelled == 1 })
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func silentConnectionIsClosedAfterTheHandshakeTimeout() async throws {
        let harness = try await TestHarness.start(configuration: .init(handshakeTimeout: .milliseconds(500)))
        let connecting = ContinuousClock.now
        let connection = try await RawConnection.connect(port: harness.port)
        #expect(await connection.waitForClose())
        // The server accepted after `connecting`, so it cannot have closed before its limit.
        #expect(ContinuousClock.now - connecting >= .milliseconds(500))
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func idleHTTP2ConnectionGetsGoAwayAfterTheIdleTimeout() async throws {
        let harness = try await TestHarness.start(configuration: .init(idleTimeout: .seconds(1)))
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(path: TestMethods.echo.path, body: RawHTTP2Client.framed("once"))
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == "0")
        #expect(try await client.wait { $0.goAwayErrorCode == 0 })
        #expect(await client.connection.waitForClose())
        await harness.stop()
    }

    @Test func unansweredKeepalivePingClosesTheConnection() async throws {
        let harness = try await TestHarness.start(
            configuration: .init(keepaliveInterval: .milliseconds(300), keepaliveTimeout: .seconds(3))
        )
        // Both clients make a call; then one never reads again, so its PINGs go unanswered.
        let silent = try await RawHTTP2Client.connect(port: harness.port)
        _ = try await silent.waitForClose(silent.request(path: TestMethods.echo.path, body: RawHTTP2Client.framed("x")))
        let answering = try await RawHTTP2Client.connect(port: harness.port)
        _ = try await answering.waitForClose(
            answering.request(path: TestMethods.echo.path, body: RawHTTP2Client.framed("x")))
        // The answering client keeps reading (and so acknowledging PINGs) all along: each PING
        // the server sends it wakes it to check whether the silent one is closed yet.
        #expect(try await answering.wait { _ in silent.connection.inbox.isClosed })
        // The server goes on pinging the answering client, and keeps its connection open.
        let pings = answering.pingsReceived
        #expect(try await answering.wait { $0.pingsReceived >= pings + 2 })
        #expect(!answering.connection.inbox.isClosed)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }
}
