import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import Testing

/// The echo service's four call shapes, delays and failures, in-process.
@Suite("Echo service")
struct EchoServiceTests {
    @Test func getEchoesTheMessageAndMetadata() async throws {
        var metadata: Metadata = ["x-grpc-test-echo-initial": "hello", "other": "dropped"]
        metadata.add(EchoService.echoTrailingKey, binary: [0, 1, 2])
        let call = try await InProcessCall.unary(
            EchoService(), EchoMethods.get, EchoRequest(message: "ping", payload: [9, 8]), as: EchoResponse.self,
            metadata: metadata
        )
        #expect(call.responses == [EchoResponse(message: "ping", payload: [9, 8])])
        #expect(call.headers?.first(EchoService.echoInitialKey) == "hello")
        #expect(call.headers?.count == 1)
        #expect(call.trailers[EchoService.echoTrailingKey] == [.binary([0, 1, 2])])
    }

    @Test("fail_with_code fails the call with that code", arguments: Status.Code.allCases.filter { $0 != .ok })
    func failWithCode(_ code: Status.Code) async throws {
        let error = try await #require(throws: RPCError.self) {
            try await InProcessCall.unary(
                EchoService(), EchoMethods.get,
                EchoRequest(message: "because \(code)", failWithCode: UInt32(code.rawValue)), as: EchoResponse.self
            )
        }
        #expect(error.code == code)
        #expect(error.message == "because \(code)")
    }

    @Test func anUnknownCodeIsInvalidArgument() async throws {
        let error = try await #require(throws: RPCError.self) {
            try await InProcessCall.unary(
                EchoService(), EchoMethods.get, EchoRequest(failWithCode: 99), as: EchoResponse.self)
        }
        #expect(error.code == .invalidArgument)
    }

    /// A ten-minute delay under a 50 ms deadline ends DEADLINE_EXCEEDED (a delay that ran on
    /// would hit the time limit).
    @Test(.timeLimit(.minutes(1))) func aDelayEndsAtTheDeadline() async throws {
        let error = try await #require(throws: RPCError.self) {
            try await InProcessCall.unary(
                EchoService(), EchoMethods.get, EchoRequest(delayMs: 600_000), as: EchoResponse.self,
                deadline: .now + .milliseconds(50)
            )
        }
        #expect(error.code == .deadlineExceeded)
    }

    /// Cancelled before or during its ten-minute delay (whichever the scheduler makes it), the
    /// call ends at once with CancellationError: a delay that ran on would hit the time limit.
    @Test(.timeLimit(.minutes(1))) func aDelayEndsWhenCancelled() async throws {
        let call = InProcessCall(EchoService(), EchoMethods.get)
        call.send(EchoRequest(delayMs: 600_000))
        call.finishRequests()
        call.task.cancel()
        let error = await #expect(throws: RPCError.self) { try await call.task.value }
        #expect(error?.code == .cancelled)
    }

    @Test func expandSendsCountResponsesThenTheRequestedFailure() async throws {
        let call = try await InProcessCall.unary(
            EchoService(), EchoMethods.expand, EchoRequest(message: "m", delayMs: 1, count: 3), as: EchoResponse.self)
        #expect(call.responses.map(\.index) == [0, 1, 2])
        #expect(call.responses.allSatisfy { $0.message == "m" })

        let failing = InProcessCall(EchoService(), EchoMethods.expand)
        failing.send(EchoRequest(message: "late failure", failWithCode: UInt32(Status.Code.aborted.rawValue), count: 2))
        failing.finishRequests()
        await #expect { try await failing.task.value } throws: { ($0 as? RPCError)?.code == .aborted }
        #expect(try await failing.responses(as: EchoResponse.self).count == 2)
    }

    @Test func collectJoinsEveryRequest() async throws {
        let call = InProcessCall(EchoService(), EchoMethods.collect)
        for word in ["a", "b", "c"] { call.send(EchoRequest(message: word, payload: Array(word.utf8))) }
        call.finishRequests()
        _ = try await call.task.value
        #expect(
            try await call.responses(as: EchoResponse.self) == [
                EchoResponse(message: "a b c", payload: Array("abc".utf8), index: 3)
            ])
    }

    @Test func updateAnswersEachRequestAsItComes() async throws {
        let call = InProcessCall(EchoService(), EchoMethods.update)
        var responses = call.sink.messages.makeAsyncIterator()
        for (index, word) in ["x", "y"].enumerated() {
            call.send(EchoRequest(message: word))
            let response = try EchoResponse(serializedBytes: try #require(await responses.next()))
            #expect(response == EchoResponse(message: word, index: UInt32(index)))
        }
        call.send(EchoRequest(message: "stop", failWithCode: UInt32(Status.Code.outOfRange.rawValue)))
        await #expect { try await call.task.value } throws: { ($0 as? RPCError)?.code == .outOfRange }
    }
}
