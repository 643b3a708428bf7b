import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

@Suite("End to end over loopback", .tags(.loopback))
struct EndToEndTests {
    @Test func unaryEchoes() async throws {
        let harness = try await TestHarness.start()
        let response = try await harness.client.unary(
            TestMethods.echo, request: RawMessage("hello"), responseType: RawMessage.self)
        #expect(response.message.text == "hello")
        await harness.stop()
    }

    @Test func serverStreamingDeliversEveryMessageAndTrailers() async throws {
        let harness = try await TestHarness.start()
        let (received, trailers) = try await harness.client.serverStreaming(
            TestMethods.expand, request: RawMessage("50"), responseType: RawMessage.self
        ) { response in
            var texts: [String] = []
            for try await message in response.messages { texts.append(message.text) }
            return (texts, response.trailers)
        }
        #expect(received == (0..<50).map(String.init))
        #expect(trailers.first("streamed") == "yes")
        await harness.stop()
    }

    @Test func clientStreamingCollects() async throws {
        let harness = try await TestHarness.start()
        let response = try await harness.client.clientStreaming(
            TestMethods.collect, requestType: RawMessage.self, responseType: RawMessage.self
        ) { writer in
            for _ in 0..<20 { try await writer.write(RawMessage([UInt8](repeating: 7, count: 1000))) }
        }
        #expect(response.message.text == "20000/20")
        await harness.stop()
    }

    @Test func bidirectionalStreamingEchoesEachMessage() async throws {
        let harness = try await TestHarness.start()
        let echoed = try await harness.client.bidirectionalStreaming(
            TestMethods.chat, requestType: RawMessage.self, responseType: RawMessage.self,
            requestProducer: { writer in
                for index in 0..<10 { try await writer.write(RawMessage("m\(index)")) }
            }
        ) { response in
            var texts: [String] = []
            for try await message in response.messages { texts.append(message.text) }
            return texts
        }
        #expect(echoed == (0..<10).map { "echo:m\($0)" })
        await harness.stop()
    }

    @Test(arguments: [Status.Code.notFound, .invalidArgument, .resourceExhausted, .permissionDenied, .internal])
    func failureCarriesCodeMessageAndTrailers(code: Status.Code) async throws {
        let harness = try await TestHarness.start()
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                TestMethods.fail, request: RawMessage(String(code.rawValue)), responseType: RawMessage.self)
        }
        #expect(error?.code == code)
        #expect(error?.message == "requested failure ✓ 100% (\(code))")
        #expect(error?.metadata.first("failure-detail") == "as asked")
        await harness.stop()
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let harness = try await TestHarness.start()
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                MethodDescriptor(service: "test.Echo", method: "Nope"), request: RawMessage("x"),
                responseType: RawMessage.self
            )
        }
        #expect(error?.code == .unimplemented)
        #expect(error?.message.contains("/test.Echo/Nope") == true)
        await harness.stop()
    }

    @Test func metadataTravelsBothWaysIncludingBinary() async throws {
        let harness = try await TestHarness.start()
        var metadata = Metadata()
        metadata.add("echo-text", "plain value")
        metadata.add("echo-blob-bin", binary: [0, 1, 2, 250, 255, 10, 13])
        let response = try await harness.client.unary(
            TestMethods.echo, request: RawMessage("m"), metadata: metadata, responseType: RawMessage.self
        )
        #expect(response.headers.first("echo-text") == "plain value")
        #expect(response.headers["echo-blob-bin"] == [.binary([0, 1, 2, 250, 255, 10, 13])])
        #expect(response.trailers.first("echo-text-trailer") == "plain value")
        #expect(response.trailers["echo-blob-trailer-bin"] == [.binary([0, 1, 2, 250, 255, 10, 13])])
        await harness.stop()
    }

    @Test func callsConnectLazilyAndReconnectAfterTheServerClosedTheConnection() async throws {
        let harness = try await TestHarness.start(configuration: .init(idleTimeout: .milliseconds(300)))
        await harness.client.close()
        let lazy = GRPCClient(host: "127.0.0.1", port: harness.port)
        // The peer address the server saw ("ipv4:127.0.0.1:PORT true") names the connection.
        let first = try await lazy.unary(TestMethods.peer, request: RawMessage(""), responseType: RawMessage.self)
            .message.text
        let admittedForFirst = harness.server.connectionStatistics.admitted
        // The idle limit makes the server send GOAWAY and close every connection; the next call reconnects.
        #expect(await harness.events.wait { $0.open == 0 && $0.goAways.contains("idle timeout") })
        let second = try await lazy.unary(TestMethods.peer, request: RawMessage(""), responseType: RawMessage.self)
            .message.text
        #expect(
            harness.server.connectionStatistics.admitted > admittedForFirst, "the second call opened a new connection")
        #expect(first.hasPrefix("ipv4:127.0.0.1:") && second.hasPrefix("ipv4:127.0.0.1:"))
        #expect(first != second, "both calls came from the same client port: \(first)")
        await lazy.close()
        await #expect(throws: RPCError.self) {
            _ = try await lazy.unary(TestMethods.echo, request: RawMessage("closed"), responseType: RawMessage.self)
        }
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func failingRequestProducerCancelsTheCallWithItsReason() async throws {
        struct ProducerGaveUp: Error {}
        let harness = try await TestHarness.start()
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.clientStreaming(
                TestMethods.collect, requestType: RawMessage.self, responseType: RawMessage.self
            ) { writer in
                try await writer.write(RawMessage("one"))
                throw ProducerGaveUp()
            }
        }
        #expect(error?.code == .cancelled)
        #expect(error?.message.contains("ProducerGaveUp") == true)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }
}
