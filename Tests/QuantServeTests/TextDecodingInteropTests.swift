import Foundation
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// `quantserve serve --max-text-bytes` on the default model, over a real connection: a text over
/// the limit is refused with INVALID_ARGUMENT naming it, or read only that far when the request
/// truncates; a text holding U+0000 is tokenized whole. (Python grpcio sends the same texts in
/// Tests/Python/interop_inference.py and compares them with the reference tokenizer and model.)
@Suite(.tags(.subprocess))
struct TextDecodingInteropTests {
    init() throws { _ = try DefaultModel.prerequisite.require() }

    @Test(.timeLimit(.minutes(2)))
    func byteLimitFlagBoundsEveryText() async throws {
        let server = try ChildProcess(
            try Prerequisite.quantserve.require(),
            [
                "serve", "--port", "0", "--model-repository", try DefaultModel.repository().path, "--max-text-bytes",
                "3000",
            ])
        defer { server.terminate() }
        var lines = server.lines.makeAsyncIterator()
        var port: Int?
        while port == nil, let line = await lines.next() {
            port = ServeCommandTests.port(inServingLine: line)
        }
        let client = GRPCClient(host: "127.0.0.1", port: try #require(port, "quantserve never logged its address"))
        try await client.connect()

        let big = String(repeating: "word ", count: 601)  // 3005 bytes
        let error = try await #require(throws: RPCError.self) {
            try await client.unary(
                InferenceMethods.embed, request: EmbedRequest(texts: ["fine", big]),
                responseType: EmbedResponse.self)
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message == "text 1: the text is 3005 bytes of UTF-8, over the limit of 3000 bytes per text")

        let truncated = try await client.unary(
            InferenceMethods.embed, request: EmbedRequest(texts: [big], truncate: true),
            responseType: EmbedResponse.self)
        #expect(truncated.message.embeddings.first?.tokenCount == 256)

        let tokens = try await client.unary(
            InferenceMethods.tokenize,
            request: TokenizeRequest(texts: ["\u{0}\u{1}\u{2} control chars", "control chars"]),
            responseType: TokenizeResponse.self)
        #expect(tokens.message.tokens.count == 2)
        #expect(tokens.message.tokens.first?.ids == [101, 2491, 25869, 2015, 102], "[CLS] control char ##s [SEP]")
        #expect(tokens.message.tokens.last?.ids == [101, 2491, 25869, 2015, 102])
        await client.close()
    }
}
