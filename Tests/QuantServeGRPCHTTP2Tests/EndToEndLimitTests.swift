import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Synchronization
import Testing

@Suite("End to end: limits, deadlines, cancellation, concurrency", .tags(.loopback))
struct EndToEndLimitTests {
    static let fourMiB = 4 * 1024 * 1024

    @Test func thousandConcurrentCallsShareOneConnection() async throws {
        let harness = try await TestHarness.start()
        let client = harness.client
        let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let response = try await client.unary(
                        TestMethods.echo, request: RawMessage("call \(index)"), responseType: RawMessage.self)
                    return response.message.text == "call \(index)"
                }
            }
            var mismatches = 0
            for try await matched in group where !matched { mismatches += 1 }
            return mismatches
        }
        #expect(mismatches == 0)
        await harness.stop()
    }

    @Test func messagesAtTheFourMiBLimitPassBothWays() async throws {
        let harness = try await TestHarness.start()
        let request = RawMessage((0..<Self.fourMiB).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let echoed = try await harness.client.unary(TestMethods.echo, request: request, responseType: RawMessage.self)
        #expect(echoed.message == request)
        let big = try await harness.client.unary(
            TestMethods.big, request: RawMessage(String(Self.fourMiB)), responseType: RawMessage.self)
        #expect(big.message.bytes.count == Self.fourMiB)
        await harness.stop()
    }

    @Test func requestOverTheServerLimitIsResourceExhausted() async throws {
        let harness = try await TestHarness.start(clientConfiguration: .init(maxSendMessageBytes: 64 * 1024 * 1024))
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                TestMethods.echo, request: RawMessage([UInt8](repeating: 1, count: Self.fourMiB + 1)),
                responseType: RawMessage.self
            )
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("\(Self.fourMiB + 1) bytes exceeds the limit of \(Self.fourMiB)") == true)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func responseOverTheClientLimitIsResourceExhausted() async throws {
        let harness = try await TestHarness.start(clientConfiguration: .init(maxReceiveMessageBytes: 1000))
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                TestMethods.big, request: RawMessage("1001"), responseType: RawMessage.self)
        }
        #expect(error?.code == .resourceExhausted)
        let fits = try await harness.client.unary(
            TestMethods.big, request: RawMessage("1000"), responseType: RawMessage.self)
        #expect(fits.message.bytes.count == 1000)
        await harness.stop()
    }

    @Test func responseOverTheServerSendLimitIsResourceExhausted() async throws {
        let harness = try await TestHarness.start(configuration: .init(maxSendMessageBytes: 500))
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                TestMethods.big, request: RawMessage("501"), responseType: RawMessage.self)
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("send limit") == true)
        await harness.stop()
    }

    @Test func requestOverTheClientSendLimitFailsLocally() async throws {
        let harness = try await TestHarness.start(clientConfiguration: .init(maxSendMessageBytes: 10))
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                TestMethods.echo, request: RawMessage([UInt8](repeating: 0, count: 11)), responseType: RawMessage.self)
        }
        #expect(error?.code == .resourceExhausted)
        await harness.stop()
    }

    @Test func largeStreamsFlowThroughSmallWindows() async throws {
        // 64 KiB windows against 24 MiB each way: writers must wait for WINDOW_UPDATEs.
        let harness = try await TestHarness.start(
            configuration: .init(initialStreamWindow: 65_535, connectionWindow: 65_535),
            clientConfiguration: .init(initialStreamWindow: 65_535, connectionWindow: 65_535)
        )
        let collected = try await harness.client.clientStreaming(
            TestMethods.collect, requestType: RawMessage.self, responseType: RawMessage.self
        ) { writer in
            for _ in 0..<24 { try await writer.write(RawMessage([UInt8](repeating: 5, count: 1024 * 1024))) }
        }
        #expect(collected.message.text == "\(24 * 1024 * 1024)/24")
        let (count, bytes) = try await harness.client.serverStreaming(
            TestMethods.flood, request: RawMessage("24,1048576"), responseType: RawMessage.self
        ) { response in
            var count = 0
            var bytes = 0
            for try await message in response.messages {
                #expect(message.bytes.allSatisfy { $0 == UInt8(truncatingIfNeeded: count) })
                count += 1
                bytes += message.bytes.count
            }
            return (count, bytes)
        }
        #expect(count == 24)
        #expect(bytes == 24 * 1024 * 1024)
        await harness.stop()
    }

    /// A ten-minute handler under a 200 ms deadline: the call ends DEADLINE_EXCEEDED and the
    /// handler is cancelled, not completed (had the deadline not ended it, the time limit would).
    @Test(.timeLimit(.minutes(1))) func deadlineEndsTheCallAndCancelsTheHandler() async throws {
        let harness = try await TestHarness.start()
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                TestMethods.sleep, request: RawMessage("600000"), timeout: .milliseconds(200),
                responseType: RawMessage.self)
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(await harness.probe.wait { $0.cancelled == 1 })
        #expect(harness.probe.completedCount == 0)
        await harness.stop()
    }

    @Test func expiredTimeoutFailsBeforeSending() async throws {
        let harness = try await TestHarness.start()
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.unary(
                TestMethods.echo, request: RawMessage("x"), timeout: .zero, responseType: RawMessage.self)
        }
        #expect(error?.code == .deadlineExceeded)
        await harness.stop()
    }

    @Test func cancellingTheCallerResetsTheStreamAndCancelsTheHandler() async throws {
        let harness = try await TestHarness.start()
        let client = harness.client
        let call = Task {
            try await client.unary(TestMethods.sleep, request: RawMessage("10000"), responseType: RawMessage.self)
        }
        #expect(await harness.probe.wait { $0.started == 1 })
        call.cancel()
        let error = await #expect(throws: RPCError.self) { _ = try await call.value }
        #expect(error?.code == .cancelled)
        #expect(await harness.probe.wait { $0.cancelled == 1 })
        let after = try await client.unary(TestMethods.echo, request: RawMessage("next"), responseType: RawMessage.self)
        #expect(after.message.text == "next")
        await harness.stop()
    }

    @Test func leavingAServerStreamEarlyCancelsIt() async throws {
        let harness = try await TestHarness.start()
        let first = try await harness.client.serverStreaming(
            TestMethods.flood, request: RawMessage("100000,1000"), responseType: RawMessage.self
        ) { response in
            var iterator = response.messages.makeAsyncIterator()
            return try await iterator.next()?.bytes.count
        }
        #expect(first == 1000)
        #expect(try await harness.serverStillServes())
        await harness.stop()
    }

    @Test func aHandlerThatStopsReadingHoldsTheWriterBack() async throws {
        let harness = try await TestHarness.start()
        let client = harness.client
        let written = Atomic<Int>(0)
        let call = Task {
            try await client.clientStreaming(
                TestMethods.hold, requestType: RawMessage.self, responseType: RawMessage.self
            ) { writer in
                for _ in 0..<64 {
                    try await writer.write(RawMessage([UInt8](repeating: 1, count: 1024 * 1024)))
                    written.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(await harness.probe.wait { $0.started == 1 })
        // An absence (the writer gets no further) shows only over time: the writer, which moves
        // a MiB in about a millisecond on loopback, gets half a second to pass the window. Not
        // synchronization: a correct server passes however long this takes (the bound below
        // holds at every instant), so a loaded machine can only make a broken one pass, never a
        // correct one fail.
        try await Task.sleep(for: .milliseconds(500))
        // One message taken, about one window's worth queued and in flight; never all 64 MiB.
        let count = written.load(ordering: .relaxed)
        #expect(count >= 1)
        #expect(count < 8)
        call.cancel()
        _ = try? await call.value
        #expect(await harness.probe.wait { $0.cancelled == 1 })
        await harness.stop()
    }

    @Test func handlerSeesThePeerAddress() async throws {
        let harness = try await TestHarness.start()
        let response = try await harness.client.unary(
            TestMethods.peer, request: RawMessage(""), responseType: RawMessage.self)
        #expect(response.message.text.hasPrefix("ipv4:127.0.0.1:"))
        #expect(response.message.text.hasSuffix(" true"))
        await harness.stop()
    }
}
