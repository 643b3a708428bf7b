import Foundation
import QuantServeTestSupport
import QuantServeTransformer
import Testing

/// The tokenizer on texts made to hurt it: long runs of combining marks out of order, long words
/// and whitespace runs, long texts whose reading in chunks must not change a single id; and the
/// limits that bound the work one text can cost (early stop when truncating, the byte limit,
/// cancellation).
@Suite struct TokenizerHostileInputTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            var variant: String
            var name: String
            var text: String
            var count: Int
            var fnv1a64: String
        }

        var variants: [String: String]
        var cases: [Case]
    }

    /// Hugging Face `tokenizers` on Tests/Python/tokenizer_hostile_cases.py's texts: the ids
    /// whole, and truncated to 256 as a server would ask.
    @Test(.tags(.subprocess))
    func matchesHuggingFaceOnHostileTexts() throws {
        _ = try Prerequisite.miniLMWheel.require()
        let output = try PythonScript.run("tokenizer_hostile_cases.py", arguments: [])
        let reference = try JSONDecoder().decode(Reference.self, from: output)
        #expect(reference.cases.count >= 15)
        let truncation = EncodingLimits(maxLength: 256)
        for (variant, json) in reference.variants {
            let tokenizer = try WordPieceTokenizer(tokenizerJSONData: Data(json.utf8), maxLength: 1_000_000)
            for testCase in reference.cases where testCase.variant == variant {
                let ids = try tokenizer.encode(testCase.text, truncate: false)
                #expect(ids.count == testCase.count, "\(variant) \(testCase.name)")
                #expect(
                    TokenizerFixtureTests.fnv1a64(ids) == UInt64(testCase.fnv1a64, radix: 16),
                    "\(variant) \(testCase.name)")
                let truncated = try tokenizer.encode(
                    testCase.text, truncate: true, limits: truncation, isCancelled: { false })
                let expected = ids.count <= 256 ? ids : Array(ids.prefix(255)) + [ids[ids.count - 1]]
                #expect(truncated == expected, "\(variant) \(testCase.name) truncated")
            }
        }
    }

    /// A tokenizer on a small vocabulary, without model files.
    private func makeTokenizer(maxLength: Int = WordPieceTokenizer.defaultMaxLength) throws -> WordPieceTokenizer {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "a", "##a", "é", "e"]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).txt")
        try Data((vocabulary.joined(separator: "\n") + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try WordPieceTokenizer(vocabularyFile: file, maxLength: maxLength)
    }

    /// How many chunks an encoding reads, seen through its cancellation checks.
    private func chunksRead(
        _ tokenizer: WordPieceTokenizer, _ text: String, truncate: Bool,
        limits: EncodingLimits
    ) throws -> (ids: [UInt32], chunks: Int) {
        var checks = 0
        let ids = try tokenizer.encode(text, truncate: truncate, limits: limits) {
            checks += 1
            return false
        }
        return (ids, checks)
    }

    @Test func truncationStopsReadingOnceTheTokensAreMade() throws {
        let tokenizer = try makeTokenizer()
        let text = String(repeating: "hello world ", count: 90_000)  // about 1 MB
        let limits = EncodingLimits(maxLength: 256)
        let truncated = try chunksRead(tokenizer, text, truncate: true, limits: limits)
        #expect(truncated.ids.count == 256)
        #expect(truncated.chunks == 1, "254 tokens are in the first chunk; nothing after it may be read")

        let whole = try chunksRead(tokenizer, text, truncate: false, limits: EncodingLimits(maxLength: .max))
        #expect(whole.ids.count == 180_002)
        #expect(whole.chunks > 200)
        #expect(Array(whole.ids.prefix(255)) == Array(truncated.ids.prefix(255)))
    }

    @Test func cancellationStopsAnEncodingBetweenChunks() throws {
        let tokenizer = try makeTokenizer()
        let text = String(repeating: "hello world ", count: 20_000)
        var checks = 0
        #expect(throws: CancellationError.self) {
            _ = try tokenizer.encode(text, truncate: false, limits: EncodingLimits(maxLength: .max)) {
                checks += 1
                return checks == 3
            }
        }
        #expect(checks == 3, "no check may follow the one that cancelled")
        #expect(throws: CancellationError.self) {
            _ = try tokenizer.encode("hello", truncate: true, limits: EncodingLimits(maxLength: 8)) { true }
        }
    }

    @Test func textsOverTheByteLimitAreRefusedUnlessTruncated() throws {
        let tokenizer = try makeTokenizer()
        let limits = EncodingLimits(maxLength: 1_000, maxTextBytes: 20)
        // 19 bytes of "hello world hello é" (é is 2 bytes: 18 + 2 = 20), then more.
        let text = "hello world hello éé world"
        #expect(throws: TokenizerError.textTooLarge(bytes: text.utf8.count, limit: 20)) {
            try tokenizer.encode(text, truncate: false, limits: limits, isCancelled: { false })
        }
        // Truncating reads the first 20 bytes; the second é would end at byte 22, so reading stops before it.
        let truncated = try tokenizer.encode(text, truncate: true, limits: limits, isCancelled: { false })
        #expect(truncated == (try tokenizer.encode("hello world hello é", truncate: false)))
        let exact = "hello world hello é"
        #expect(exact.utf8.count == 20)
        #expect(
            try tokenizer.encode(exact, truncate: false, limits: limits, isCancelled: { false })
                == (try tokenizer.encode(exact, truncate: false)))
        #expect(
            TokenizerError.textTooLarge(bytes: 70_000, limit: 65_536).description
                == "the text is 70000 bytes of UTF-8, over the limit of 65536 bytes per text")
    }

    @Test func longWordsAndMarkRunsEncodeLikeShortOnes() throws {
        let tokenizer = try makeTokenizer(maxLength: 10)
        // A word over 100 scalars is [UNK] however long; marks out of order are sorted, then stripped.
        let word = String(repeating: "a", count: 500_000)
        #expect(try tokenizer.encode(word + " hello", truncate: false) == [2, 1, 5, 3])
        let marks = "e" + String(repeating: "\u{301}", count: 100_000) + String(repeating: "\u{316}", count: 100_000)
        #expect(try tokenizer.encode(marks, truncate: false) == [2, 10, 3])
    }
}
