import Foundation
import QuantServeAPI
import Testing

@testable import quantbench

/// The bundled corpus, corpus files, and the seeded draw of requests.
@Suite struct CorpusTests {
    @Test func bundledCorpusIsLargeVariedAndMultilingual() {
        let texts = Corpus.bundled().texts
        #expect(texts.count >= 300)
        #expect(Set(texts).count == texts.count)
        let words = texts.map { $0.split(whereSeparator: \.isWhitespace).count }
        #expect(words.min()! <= 3)
        #expect(words.max()! >= 200)
        #expect(words.filter { $0 >= 60 }.count >= 10, "a few paragraphs-long messages")
        #expect(texts.filter { $0.contains("\n\n") }.count >= 3)
        #expect(texts.filter { $0.unicodeScalars.contains { $0.value > 0x2E80 } }.count >= 5, "some CJK/Korean texts")
        #expect(
            texts.filter { $0.contains("¿") || $0.contains("ç") || $0.contains("ß") || $0.contains("ü") }.count >= 5)
    }

    @Test func readsOneJSONStringPerLine() throws {
        let corpus = try Corpus(
            jsonLines: "\"first\"\n\n  \"second line\\nwith a break\"  \n\"ünïcödé\"\n", source: "test")
        #expect(corpus.texts == ["first", "second line\nwith a break", "ünïcödé"])
        #expect(throws: Corpus.LoadError.self) { try Corpus(jsonLines: "\"ok\"\nnot json\n", source: "bad.jsonl") }
        #expect(throws: Corpus.LoadError.self) { try Corpus(jsonLines: "\n\n", source: "empty.jsonl") }
        do {
            _ = try Corpus(jsonLines: "\"ok\"\n{\"text\": 1}\n", source: "bad.jsonl")
        } catch {
            #expect("\(error)" == "bad.jsonl:2: not a JSON string")
        }
    }

    @Test func theSeedDecidesTheRequests() {
        let corpus = Corpus.bundled()
        let first = TextRequests(corpus: corpus, textsPerRequest: 3, seed: 42)
        let again = TextRequests(corpus: corpus, textsPerRequest: 3, seed: 42)
        let other = TextRequests(corpus: corpus, textsPerRequest: 3, seed: 43)
        #expect(first.batches == again.batches)
        #expect(first.batches != other.batches)
        #expect(first.batches.count == TextRequests.poolSize)
        #expect(first.batches.allSatisfy { $0.count == 3 })
        // The draw reaches most of the corpus.
        #expect(Set(first.batches.joined()).count > corpus.texts.count * 3 / 4)
    }

    @Test func textWorkloadsEncodeTheirRequests() throws {
        let requests = TextRequests(
            corpus: try Corpus(jsonLines: "\"hello\"\n", source: "one"), textsPerRequest: 2, seed: 1)
        let embed = EmbedWorkload(requests: requests, model: "minilm", truncate: true)
        #expect(
            try EmbedRequest(serializedBytes: embed.request(callIndex: 5))
                == EmbedRequest(model: ModelRef(name: "minilm"), texts: ["hello", "hello"], truncate: true))
        let classify = ClassifyWorkload(requests: requests, model: "m", topK: 3)
        #expect(
            try ClassifyRequest(serializedBytes: classify.request(callIndex: 0))
                == ClassifyRequest(model: ModelRef(name: "m"), texts: ["hello", "hello"], topK: 3))
        let tokenize = TokenizeWorkload(requests: requests, model: "")
        #expect(
            try TokenizeRequest(serializedBytes: tokenize.request(callIndex: 0))
                == TokenizeRequest(model: ModelRef(name: ""), texts: ["hello", "hello"]))
        #expect(embed.method.path == "/inference.v1.Inference/Embed")
        #expect(classify.method.path == "/inference.v1.Inference/Classify")
        #expect(tokenize.method.path == "/inference.v1.Inference/Tokenize")
    }
}
