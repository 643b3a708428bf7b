import QuantServeGRPC
import QuantServeTestSupport
import Testing

@testable import QuantServeGRPCHTTP2

/// A hostile client at the wire: connection limits, timeouts, floods, echoed input and clients
/// that do not read. Each test checks that the server still serves a well-behaved client.
@Suite("Connection defences at the wire", .tags(.loopback), .timeLimit(.minutes(1)))
struct ConnectionDefenceTests {
    static let enhanceYourCalm: UInt32 = 11
    static let noError: UInt32 = 0

    /// The GOAWAY the server sent on `connection`, once it closed it.
    static func goAway(on connection: RawConnection) async -> HTTP2Frame? {
        guard await connection.waitForClose() else { return nil }
        let bytes = connection.inbox.bytes
        return HTTP2Frame.parse(bytes).first { $0.type == HTTP2Frame.goAwayType }
    }

    // MARK: Connection limits

    @Test func connectionsOverThePerPeerLimitGetGoAwayAndAreCounted() async throws {
        let harness = try await TestHarness.start(configuration: .init(maxConnectionsPerPeer: 2))
        // The server admits at its own pace: the harness client first, so that the order is known.
        #expect(await harness.events.wait { $0.open == 1 })
        let second = try await RawConnection.connect(port: harness.port)
        try await second.write(HTTP2Frame.clientPreface)
        #expect(await harness.events.wait { $0.open == 2 })
        let third = try await RawConnection.connect(port: harness.port)
        let goAway = await Self.goAway(on: third)
        #expect(goAway?.errorCode == Self.enhanceYourCalm)
        #expect(
            String(decoding: goAway?.payload.dropFirst(8) ?? [], as: UTF8.self)
                == "too many connections from one address (limit 2)")
        #expect(harness.server.connectionStatistics == .init(open: 2, admitted: 2, refused: 1))
        await second.close()
        #expect(await harness.events.wait { $0.open == 1 })
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func connectionsOverTheGlobalLimitAreRefused() async throws {
        let harness = try await TestHarness.start(configuration: .init(maxConnections: 1))
        #expect(await harness.events.wait { $0.open == 1 })
        let refused = try await RawConnection.connect(port: harness.port)
        try? await refused.write(HTTP2Frame.clientPreface)  // the server may have closed already
        #expect(await Self.goAway(on: refused)?.errorCode == Self.enhanceYourCalm)
        #expect(harness.server.connectionStatistics.refused == 1)
        let echoed = try await harness.client.unary(
            TestMethods.echo, request: RawMessage("admitted"), responseType: RawMessage.self)
        #expect(echoed.message.text == "admitted")
        await harness.stop()
    }

    // MARK: Timeouts

    @Test func aConnectionWithoutRequestsAfterThePrefaceIsClosed() async throws {
        let harness = try await TestHarness.start(configuration: .init(handshakeTimeout: .seconds(1)))
        let connection = try await RawConnection.connect(port: harness.port)
        try? await connection.write(HTTP2Frame.clientPreface)  // a starved test may write after the timeout closed it
        #expect(await Self.goAway(on: connection)?.errorCode == Self.noError)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func aRequestWhoseBodyNeverComesEndsWithDeadlineExceeded() async throws {
        let harness = try await TestHarness.start(configuration: .init(requestBodyTimeout: .milliseconds(300)))
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let stream = client.request(path: TestMethods.echo.path, body: [], endStream: false)
        let record = try await client.waitForClose(stream)
        #expect(record.header("grpc-status") == String(Status.Code.deadlineExceeded.rawValue))
        #expect(record.grpcMessage?.contains("did not arrive within") == true)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    // MARK: Floods

    @Test func aPingFloodGetsGoAwayEnhanceYourCalm() async throws {
        let harness = try await TestHarness.start(
            configuration: .init(floodLimits: .init(ping: .init(burst: 10, perSecond: 1))))
        let connection = try await RawConnection.connect(port: harness.port)
        try await connection.write(HTTP2Frame.clientPreface + (0..<50).flatMap { HTTP2Frame.ping(UInt64($0)).bytes })
        #expect(await Self.goAway(on: connection)?.errorCode == Self.enhanceYourCalm)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func rapidResetGetsGoAwayEnhanceYourCalm() async throws {
        let harness = try await TestHarness.start(
            configuration: .init(floodLimits: .init(resetStream: .init(burst: 20, perSecond: 1))))
        let connection = try await RawConnection.connect(port: harness.port)
        let block = HTTP2Frame.requestHeaderBlock(path: Array(TestMethods.sleep.path.utf8))
        var bytes = HTTP2Frame.clientPreface
        for index in 0..<100 {
            let streamID = UInt32(2 * index + 1)
            bytes +=
                HTTP2Frame.headers(streamID: streamID, block: block, endStream: false).bytes
                + HTTP2Frame.reset(streamID).bytes
        }
        try await connection.write(bytes)
        #expect(await Self.goAway(on: connection)?.errorCode == Self.enhanceYourCalm)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func anEmptyDataFloodGetsGoAwayEnhanceYourCalm() async throws {
        let harness = try await TestHarness.start()
        let connection = try await RawConnection.connect(port: harness.port)
        let block = HTTP2Frame.requestHeaderBlock(path: Array(TestMethods.collect.path.utf8))
        let empty = HTTP2Frame(type: HTTP2Frame.dataType, flags: 0, streamID: 1, payload: []).bytes
        try await connection.write(
            HTTP2Frame.clientPreface + HTTP2Frame.headers(streamID: 1, block: block, endStream: false).bytes
                + (0..<500).flatMap { _ in empty })
        #expect(await Self.goAway(on: connection)?.errorCode == Self.enhanceYourCalm)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func aContinuationFloodClosesTheConnection() async throws {
        let harness = try await TestHarness.start()
        let connection = try await RawConnection.connect(port: harness.port)
        let block = HTTP2Frame.requestHeaderBlock(path: Array(TestMethods.echo.path.utf8))
        var bytes =
            HTTP2Frame.clientPreface
            + HTTP2Frame(type: HTTP2Frame.headersType, flags: 0, streamID: 1, payload: block).bytes
        let filler: [UInt8] = [0x00, 0x01, UInt8(ascii: "x"), 0x01, UInt8(ascii: "y")]
        for _ in 0..<100 {
            bytes += HTTP2Frame(type: HTTP2Frame.continuationType, flags: 0, streamID: 1, payload: filler).bytes
        }
        try await connection.write(bytes)
        #expect(await Self.goAway(on: connection) != nil)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    // MARK: Echoed input

    @Test func aLongPathIsNotEchoedBack() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let path = "/" + String(decoding: [UInt8](repeating: 0xFF, count: 3800), as: UTF8.self)
        let record = try await client.waitForClose(client.request(path: path, body: RawHTTP2Client.framed("x")))
        #expect(record.header("grpc-status") == String(Status.Code.unimplemented.rawValue))
        let message = try #require(record.grpcMessage)
        #expect(message.hasPrefix(#"unknown method "/\u{FFFD}"#))
        #expect(message.utf8.count < 700)
        #expect((record.header("grpc-message")?.utf8.count ?? .max) < 700)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    // MARK: Clients that do not read

    /// Two ways a connection whose client never reads is cut: its responses outgrow the
    /// outbound cap (8 MB asked, 1 MiB allowed), or its socket stays unwritable too long.
    enum NonReadingCase: CaseIterable {
        case outboundCap, unwritableSocket

        var configuration: ServerConfiguration {
            switch self {
            case .outboundCap: .init(maxBufferedOutboundBytes: 1024 * 1024)
            case .unwritableSocket: .init(stalledTimeout: .milliseconds(500))
            }
        }

        var megabytesAsked: Int { self == .outboundCap ? 8 : 16 }
    }

    @Test(arguments: NonReadingCase.allCases)
    func aClientThatNeverReadsIsCut(_ nonReading: NonReadingCase) async throws {
        let harness = try await TestHarness.start(configuration: nonReading.configuration)
        let client = RawHTTP2Client(connection: try await RawConnection.connect(port: harness.port, reading: false))
        for _ in 0..<nonReading.megabytesAsked {
            client.request(path: TestMethods.big.path, body: RawHTTP2Client.framed("1000000"))
        }
        try await client.pump()
        #expect(await harness.events.wait { $0.opened == 2 && $0.open == 1 })
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func shutdownDoesNotHangOnAClientThatDoesNotRead() async throws {
        let harness = try await TestHarness.start()
        let client = RawHTTP2Client(connection: try await RawConnection.connect(port: harness.port, reading: false))
        for _ in 0..<8 { client.request(path: TestMethods.big.path, body: RawHTTP2Client.framed("1000000")) }
        client.request(path: TestMethods.sleep.path, body: RawHTTP2Client.framed("60000"))
        try await client.pump()
        #expect(await harness.probe.wait { $0.started == 1 })
        await harness.client.close()
        // The grace period, then at most the close timeout (1 s) for the last bytes; a shutdown
        // that hung would run into the suite's time limit.
        await harness.server.shutdown(gracePeriod: .milliseconds(300))
        #expect(harness.server.connectionStatistics.open == 0)
    }
}
