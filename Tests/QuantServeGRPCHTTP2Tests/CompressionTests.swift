import QuantServeGRPC
import QuantServeTestSupport
import Testing

@testable import QuantServeGRPCHTTP2

/// Message compression at the wire: compressed requests through raw HTTP/2, compressed
/// responses as the server writes them, and the Swift client both ways.
@Suite("Message compression over HTTP/2", .tags(.loopback))
struct CompressionTests {
    static let text = String(repeating: "where is my order? I would like a refund, please. ", count: 400)

    /// The status code of a closed stream, as its trailers name it.
    static func status(_ record: RawHTTP2Client.StreamRecord) -> Status.Code? {
        record.header("grpc-status").flatMap(Int.init).flatMap(Status.Code.init(rawValue:))
    }

    @Test(arguments: [MessageEncoding.gzip, .deflate])
    func compressedRequestsAreReadAndEncodingsAdvertised(_ encoding: MessageEncoding) async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let compressed = try #require(MessageCompression.compress(Array(Self.text.utf8), with: encoding))
        // One compressed message and one plain one under the same grpc-encoding (the flag decides).
        let stream = client.request(
            path: TestMethods.collect.path, extraHeaders: [("grpc-encoding", encoding.rawValue)],
            body: GRPCMessageFramer.frame(compressed, compressed: true) + GRPCMessageFramer.frame([1, 2, 3])
        )
        let record = try await client.waitForClose(stream)
        #expect(Self.status(record) == .ok, "\(record.grpcMessage ?? "")")
        #expect(record.data == GRPCMessageFramer.frame(Array("\(Self.text.utf8.count + 3)/2".utf8)))
        #expect(record.header("grpc-accept-encoding") == "gzip, deflate, identity")
        #expect(record.header("grpc-encoding") == nil, "responses are not compressed unless configured")
        await harness.stop()
    }

    @Test func aGzipBombIsRefusedWithResourceExhausted() async throws {
        let harness = try await TestHarness.start()  // receive limit 4 MiB
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let bomb = try #require(
            MessageCompression.compress([UInt8](repeating: 0, count: 10 * 1024 * 1024), with: .gzip))
        #expect(bomb.count < 20 * 1024)
        let stream = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-encoding", "gzip")],
            body: GRPCMessageFramer.frame(bomb, compressed: true))
        let record = try await client.waitForClose(stream)
        #expect(Self.status(record) == .resourceExhausted)
        #expect(
            record.grpcMessage
                == "a gzip message of \(bomb.count) bytes decompresses to more than the limit of 4194304 bytes")
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func truncatedAndCorruptCompressedRequestsAreInternal() async throws {
        let harness = try await TestHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let good = try #require(MessageCompression.compress(Array(Self.text.utf8), with: .deflate))
        let truncated = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-encoding", "deflate")],
            body: GRPCMessageFramer.frame(Array(good.dropLast(10)), compressed: true))
        let corrupt = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-encoding", "gzip")],
            body: GRPCMessageFramer.frame(Array("not gzip".utf8), compressed: true))
        let truncatedRecord = try await client.waitForClose(truncated)
        let corruptRecord = try await client.waitForClose(corrupt)
        #expect(Self.status(truncatedRecord) == .internal)
        #expect(
            truncatedRecord.grpcMessage
                == "a deflate message is truncated: its \(good.count - 10) bytes end inside the compressed stream")
        #expect(Self.status(corruptRecord) == .internal)
        #expect(corruptRecord.grpcMessage == "a gzip message is not valid gzip data (incorrect header check)")
        await harness.stop()
    }

    @Test func responsesAreCompressedOnlyForClientsThatAcceptTheEncoding() async throws {
        var configuration = ServerConfiguration()
        configuration.responseCompression = .gzip
        let harness = try await TestHarness.start(configuration: configuration)
        let client = try await RawHTTP2Client.connect(port: harness.port)
        let body = GRPCMessageFramer.frame(Array(Self.text.utf8))
        let accepting = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-accept-encoding", "identity,deflate,gzip")], body: body)
        let declining = client.request(
            path: TestMethods.echo.path, extraHeaders: [("grpc-accept-encoding", "identity, deflate")], body: body)
        let silent = client.request(path: TestMethods.echo.path, body: body)

        let compressed = try await client.waitForClose(accepting)
        #expect(Self.status(compressed) == .ok)
        #expect(compressed.header("grpc-encoding") == "gzip")
        #expect(compressed.data.first == 1, "the compressed flag is set")
        let payload = Array(compressed.data.dropFirst(5))
        #expect(payload.count < Self.text.utf8.count / 10)
        #expect(
            try ReceivedMessage(bytes: payload, encoding: .gzip).decompressed(maxBytes: 1 << 20)
                == Array(Self.text.utf8))
        for stream in [declining, silent] {
            let plain = try await client.waitForClose(stream)
            #expect(Self.status(plain) == .ok)
            #expect(plain.header("grpc-encoding") == nil)
            #expect(plain.data == body)
        }
        await harness.stop()
    }

    @Test func swiftClientCompressesRequestsAndReadsCompressedResponsesInEveryCallShape() async throws {
        var configuration = ServerConfiguration()
        configuration.responseCompression = .deflate
        var clientConfiguration = ClientConfiguration()
        clientConfiguration.requestCompression = .gzip
        let harness = try await TestHarness.start(
            configuration: configuration, clientConfiguration: clientConfiguration)
        let client = harness.client

        let echoed = try await client.unary(
            TestMethods.echo, request: RawMessage(Self.text), responseType: RawMessage.self)
        #expect(echoed.message.text == Self.text)
        let big = try await client.unary(TestMethods.big, request: RawMessage("3000000"), responseType: RawMessage.self)
        #expect(big.message.bytes == (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })

        let streamed = try await client.serverStreaming(
            TestMethods.flood, request: RawMessage("5,100000"), responseType: RawMessage.self
        ) { response in
            var sizes: [Int] = []
            for try await message in response.messages {
                #expect(Set(message.bytes).count == 1)
                sizes.append(message.bytes.count)
            }
            return sizes
        }
        #expect(streamed == Array(repeating: 100_000, count: 5))

        let collected = try await client.clientStreaming(
            TestMethods.collect, requestType: RawMessage.self, responseType: RawMessage.self
        ) { writer in
            for _ in 0..<3 { try await writer.write(RawMessage(Self.text)) }
        }
        #expect(collected.message.text == "\(3 * Self.text.utf8.count)/3")

        let replies = try await client.bidirectionalStreaming(
            TestMethods.chat, requestType: RawMessage.self, responseType: RawMessage.self
        ) { writer in
            try await writer.write(RawMessage(Self.text))
            try await writer.write(RawMessage("short"))
        } handler: { response in
            var texts: [String] = []
            for try await message in response.messages { texts.append(message.text) }
            return texts
        }
        #expect(replies == ["echo:" + Self.text, "echo:short"])
        await harness.stop()
    }

    @Test func swiftClientRefusesACompressedResponseOverItsReceiveLimit() async throws {
        var configuration = ServerConfiguration()
        configuration.responseCompression = .gzip
        let harness = try await TestHarness.start(
            configuration: configuration, clientConfiguration: .init(maxReceiveMessageBytes: 100_000))
        // 1 MB of a 256-byte pattern compresses to a few KB: within the limit on the wire, not inflated.
        let error = try await #require(throws: RPCError.self) {
            try await harness.client.unary(
                TestMethods.big, request: RawMessage("1000000"), responseType: RawMessage.self)
        }
        #expect(error.code == .resourceExhausted)
        #expect(error.message.hasSuffix("decompresses to more than the limit of 100000 bytes"))
        await harness.stop()
    }
}
