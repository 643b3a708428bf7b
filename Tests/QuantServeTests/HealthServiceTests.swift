import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import Testing

/// The health service and its status board, in-process.
@Suite("Health service")
struct HealthServiceTests {
    @Test func checkAnswersFromTheBoard() async throws {
        let board = HealthStatusBoard()
        let service = HealthService(board: board)
        let server = try await InProcessCall.unary(
            service, HealthMethods.check, HealthCheckRequest(), as: HealthCheckResponse.self)
        #expect(server.responses == [HealthCheckResponse(status: .serving)])

        board.setStatus(.notServing, for: "minilm")
        let model = try await InProcessCall.unary(
            service, HealthMethods.check, HealthCheckRequest(service: "minilm"), as: HealthCheckResponse.self)
        #expect(model.responses == [HealthCheckResponse(status: .notServing)])
    }

    @Test func checkOfAnUnknownServiceIsNotFound() async throws {
        let board = HealthStatusBoard()
        board.setStatus(.serving, for: "gone")
        board.removeService("gone")
        for name in ["nope", "gone"] {
            let error = try await #require(throws: RPCError.self) {
                try await InProcessCall.unary(
                    HealthService(board: board), HealthMethods.check, HealthCheckRequest(service: name),
                    as: HealthCheckResponse.self)
            }
            #expect(error.code == .notFound)
            #expect(error.message.contains(name))
        }
    }

    @Test func watchStreamsTheCurrentStatusThenEveryChange() async throws {
        let board = HealthStatusBoard()
        let call = InProcessCall(HealthService(board: board), HealthMethods.watch)
        call.send(HealthCheckRequest(service: "minilm"))
        call.finishRequests()
        var responses = call.sink.messages.makeAsyncIterator()
        #expect(try await Self.status(responses.next()) == .serviceUnknown)
        board.setStatus(.notServing, for: "minilm")
        #expect(try await Self.status(responses.next()) == .notServing)
        board.setStatus(.notServing, for: "minilm")  // no change: nothing sent
        board.setStatus(.serving, for: "other")  // another name: nothing sent
        board.setStatus(.serving, for: "minilm")
        #expect(try await Self.status(responses.next()) == .serving)
        board.removeService("minilm")
        #expect(try await Self.status(responses.next()) == .serviceUnknown)

        call.task.cancel()
        let error = await #expect(throws: RPCError.self) { try await call.task.value }
        #expect(error?.code == .cancelled)
    }

    @Test func shutdownSendsNotServingAndEndsEveryWatch() async throws {
        let board = HealthStatusBoard()
        let call = InProcessCall(HealthService(board: board), HealthMethods.watch)
        call.send(HealthCheckRequest())
        call.finishRequests()
        var responses = call.sink.messages.makeAsyncIterator()
        #expect(try await Self.status(responses.next()) == .serving)
        board.shutDown()
        #expect(try await Self.status(responses.next()) == .notServing)
        #expect(try await call.task.value == [:])
        #expect(await responses.next() == nil)

        board.setStatus(.serving, for: HealthStatusBoard.server)
        #expect(board.status(of: HealthStatusBoard.server) == .notServing)
        let late = try await InProcessCall.unary(
            HealthService(board: board), HealthMethods.watch, HealthCheckRequest(), as: HealthCheckResponse.self)
        #expect(late.responses == [HealthCheckResponse(status: .notServing)])
    }

    @Test func manyWatchersEachSeeTheNewestStatus() async throws {
        let board = HealthStatusBoard()
        let streams = (0..<50).map { _ in board.updates(for: "m") }
        board.setStatus(.serving, for: "m")
        for stream in streams {
            var iterator = stream.makeAsyncIterator()
            // The buffer keeps the newest status, so a watcher that was slow sees SERVING.
            #expect(await iterator.next() == .serving)
        }
    }

    static func status(_ bytes: [UInt8]?) throws -> HealthCheckResponse.ServingStatus? {
        try bytes.map { try HealthCheckResponse(serializedBytes: $0).status }
    }
}
