import Foundation
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// Interoperability with grpcio (Python's gRPC on gRPC-core), in both directions.
@Suite("Interop with grpcio", .tags(.loopback, .subprocess))
struct InteropTests {

    @Test func grpcioClientAgainstOurServer() async throws {
        let harness = try await TestHarness.start()
        let process = Process()
        process.executableURL = try Prerequisite.python.require()
        process.arguments = [Repository.pythonScript("grpc_interop_client.py").path, String(harness.port)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let exited = AsyncStream<Int32> { continuation in
            process.terminationHandler = {
                continuation.yield($0.terminationStatus)
                continuation.finish()
            }
        }
        try process.run()
        var status: Int32 = -1
        for await code in exited { status = code }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 0, "\(text)")
        #expect(text.contains("ALL OK"))
        await harness.stop()
    }

    @Test func ourClientAgainstGrpcioServer() async throws {
        let process = Process()
        process.executableURL = try Prerequisite.python.require()
        process.arguments = [Repository.pythonScript("grpc_interop_server.py").path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let portLine = await Task.detached { () -> String in
            var collected = Data()
            while !collected.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                collected.append(chunk)
            }
            return String(decoding: collected, as: UTF8.self)
        }.value
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)))
        let client = GRPCClient(host: "127.0.0.1", port: port)

        var metadata = Metadata()
        metadata.add("echo-text", "plain value")
        metadata.add("echo-blob-bin", binary: [0, 1, 254, 255])
        let echoed = try await client.unary(
            TestMethods.echo, request: RawMessage("hello"), metadata: metadata, responseType: RawMessage.self)
        #expect(echoed.message.text == "hello")
        #expect(echoed.headers.first("echo-text") == "plain value")
        #expect(echoed.headers["echo-blob-bin"] == [.binary([0, 1, 254, 255])])
        #expect(echoed.trailers.first("echo-text-trailer") == "plain value")
        #expect(echoed.trailers["echo-blob-trailer-bin"] == [.binary([0, 1, 254, 255])])

        let failure = await #expect(throws: RPCError.self) {
            _ = try await client.unary(TestMethods.fail, request: RawMessage("5"), responseType: RawMessage.self)
        }
        #expect(failure?.code == .notFound)
        #expect(failure?.message == "requested failure ✓ 100% (NOT_FOUND)")
        #expect(failure?.metadata.first("failure-detail") == "as asked")

        let unknown = await #expect(throws: RPCError.self) {
            _ = try await client.unary(
                MethodDescriptor(service: "test.Echo", method: "Missing"), request: RawMessage("x"),
                responseType: RawMessage.self)
        }
        #expect(unknown?.code == .unimplemented)

        let late = await #expect(throws: RPCError.self) {
            _ = try await client.unary(
                TestMethods.sleep, request: RawMessage("5000"), timeout: .milliseconds(200),
                responseType: RawMessage.self)
        }
        #expect(late?.code == .deadlineExceeded)

        let expanded = try await client.serverStreaming(
            TestMethods.expand, request: RawMessage("20"), responseType: RawMessage.self
        ) { response in
            var texts: [String] = []
            for try await message in response.messages { texts.append(message.text) }
            return texts
        }
        #expect(expanded == (0..<20).map(String.init))

        let collected = try await client.clientStreaming(
            TestMethods.collect, requestType: RawMessage.self, responseType: RawMessage.self
        ) { writer in
            for _ in 0..<10 { try await writer.write(RawMessage("ab")) }
        }
        #expect(collected.message.text == "20/10")

        let chatted = try await client.bidirectionalStreaming(
            TestMethods.chat, requestType: RawMessage.self, responseType: RawMessage.self,
            requestProducer: { writer in for text in ["x", "y", "z"] { try await writer.write(RawMessage(text)) } }
        ) { response in
            var texts: [String] = []
            for try await message in response.messages { texts.append(message.text) }
            return texts
        }
        #expect(chatted == ["echo:x", "echo:y", "echo:z"])

        let matches = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await client.unary(
                        TestMethods.echo, request: RawMessage("call \(index)"), responseType: RawMessage.self
                    ).message.text == "call \(index)"
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(matches == 200)
        await client.close()
    }
}
