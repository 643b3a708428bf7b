import Foundation
import QuantServeTransformer
import Testing

/// The WordPiece tokenizer on a small hand-made vocabulary; needs no model files.
@Suite struct TokenizerVocabularyTests {
    /// The hand-made vocabulary; a token's id is its index.
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "un", "##aff", "##able", "##a", "a", "hello", "world", ",", "!", "cafe",
        "中", "文", "abc", "ab", "##cd", "x", "##y", "naive",
    ]
    static let unknown: UInt32 = 1
    static let classifier: UInt32 = 2
    static let separator: UInt32 = 3

    private func id(_ token: String) -> UInt32 {
        UInt32(Self.vocabulary.firstIndex(of: token)!)
    }

    private func makeTokenizer(
        lowercase: Bool = true,
        maxLength: Int = WordPieceTokenizer.defaultMaxLength,
        lines: [String] = vocabulary,
        lineEnding: String = "\n"
    ) throws -> WordPieceTokenizer {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokenizer-vocabulary-\(UUID().uuidString).txt")
        try Data((lines.joined(separator: lineEnding) + lineEnding).utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try WordPieceTokenizer(vocabularyFile: file, lowercase: lowercase, maxLength: maxLength)
    }

    /// The ids of `tokens` between [CLS] and [SEP].
    private func framed(_ tokens: [String]) -> [UInt32] {
        [Self.classifier] + tokens.map { $0 == "[UNK]" ? Self.unknown : id($0) } + [Self.separator]
    }

    @Test func splitsWordsIntoLongestPiecesFirst() throws {
        let tokenizer = try makeTokenizer()
        #expect(try tokenizer.encode("unaffable", truncate: false) == framed(["un", "##aff", "##able"]))
        #expect(try tokenizer.encode("aa", truncate: false) == framed(["a", "##a"]))
        #expect(try tokenizer.encode("xy", truncate: false) == framed(["x", "##y"]))
    }

    @Test func greedyMatchingDoesNotBacktrack() throws {
        let tokenizer = try makeTokenizer()
        // "abc" is taken first; "d" alone has no continuation piece, although "ab" + "##cd" would cover the word.
        #expect(try tokenizer.encode("abcd", truncate: false) == framed(["[UNK]"]))
        #expect(try tokenizer.encode("abc", truncate: false) == framed(["abc"]))
    }

    @Test func wordWithoutPiecesBecomesOneUnknownToken() throws {
        let tokenizer = try makeTokenizer()
        #expect(try tokenizer.encode("hello zzz world", truncate: false) == framed(["hello", "[UNK]", "world"]))
        #expect(try tokenizer.encode("unzzz", truncate: false) == framed(["[UNK]"]))
    }

    @Test func wordsOverOneHundredCharactersBecomeUnknown() throws {
        let tokenizer = try makeTokenizer()
        let hundred = String(repeating: "a", count: 100)
        #expect(try tokenizer.encode(hundred, truncate: false) == framed(["a"] + Array(repeating: "##a", count: 99)))
        #expect(try tokenizer.encode(hundred + "a", truncate: false) == framed(["[UNK]"]))
        // Accents are stripped before counting: 101 scalars in the text, 100 after normalization.
        #expect(
            try tokenizer.encode(String(repeating: "a", count: 99) + "a\u{301}", truncate: false)
                == framed(["a"] + Array(repeating: "##a", count: 99)))
    }

    @Test func splitsOnWhitespaceAndPunctuation() throws {
        let tokenizer = try makeTokenizer()
        #expect(try tokenizer.encode("hello,world!", truncate: false) == framed(["hello", ",", "world", "!"]))
        #expect(try tokenizer.encode(" \t hello \r\n world\u{3000}", truncate: false) == framed(["hello", "world"]))
        #expect(try tokenizer.encode("hello$", truncate: false) == framed(["hello", "[UNK]"]))
    }

    @Test func normalizesCaseAccentsControlsAndChineseCharacters() throws {
        let tokenizer = try makeTokenizer()
        #expect(try tokenizer.encode("CAFÉ Naïve", truncate: false) == framed(["cafe", "naive"]))
        #expect(try tokenizer.encode("cafe\u{301}", truncate: false) == framed(["cafe"]))
        #expect(
            try tokenizer.encode("hel\u{0}lo wor\u{200B}ld\u{FEFF}", truncate: false) == framed(["hello", "world"]))
        #expect(try tokenizer.encode("hello中文world", truncate: false) == framed(["hello", "中", "文", "world"]))

        let caseSensitive = try makeTokenizer(lowercase: false)
        #expect(try caseSensitive.encode("CAFÉ cafe", truncate: false) == framed(["[UNK]", "cafe"]))
        #expect(try caseSensitive.encode("café", truncate: false) == framed(["[UNK]"]))
    }

    @Test func matchesSpecialTokensLiterallyInTheRawText() throws {
        let tokenizer = try makeTokenizer()
        #expect(try tokenizer.encode("hello[SEP]world", truncate: false) == framed(["hello", "[SEP]", "world"]))
        #expect(try tokenizer.encode("[CLS] [MASK]", truncate: false) == framed(["[CLS]", "[MASK]"]))
        // Not matched once lowercased: "[", "sep" and "]" are unknown words of their own.
        #expect(try tokenizer.encode("[sep]", truncate: false) == framed(["[UNK]", "[UNK]", "[UNK]"]))
    }

    @Test func emptyAndWhitespaceOnlyTextsGiveOnlyTheFrame() throws {
        let tokenizer = try makeTokenizer()
        for text in ["", " ", "\t\r\n", "\u{200B}\u{0}", "\u{3000}\u{A0}"] {
            #expect(try tokenizer.encode(text, truncate: false) == [Self.classifier, Self.separator])
        }
        #expect(try tokenizer.encode(bytes: [], truncate: true) == [Self.classifier, Self.separator])
    }

    @Test func truncatesKeepingTheFrameOrReportsTheLength() throws {
        let tokenizer = try makeTokenizer(maxLength: 5)
        let text = "hello world hello world"
        #expect(try tokenizer.encode(text, truncate: true) == framed(["hello", "world", "hello"]))
        #expect(throws: TokenizerError.tooLong(tokens: 6, limit: 5)) {
            try tokenizer.encode(text, truncate: false)
        }
        #expect(try tokenizer.encode("hello world hello", truncate: false) == framed(["hello", "world", "hello"]))
        // A word's pieces are cut too, not only whole words.
        #expect(try tokenizer.encode("hello unaffable", truncate: true) == framed(["hello", "un", "##aff"]))

        let message = TokenizerError.tooLong(tokens: 6, limit: 5).description
        #expect(message.contains("6 tokens") && message.contains("limit of 5"))
    }

    @Test func rejectsInvalidUTF8WithTheOffset() throws {
        let tokenizer = try makeTokenizer()
        #expect(try tokenizer.encode(bytes: Array("hello café".utf8), truncate: false) == framed(["hello", "cafe"]))
        let invalidInputs: [(bytes: [UInt8], offset: Int)] = [
            ([0x68, 0x69, 0xFF], 2),
            ([0x61, 0xE2, 0x82], 1),  // truncated three-byte sequence
            ([0xC0, 0x80], 0),  // overlong NUL
            ([0x61, 0x62, 0xED, 0xA0, 0x80], 2),  // UTF-16 surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0x63, 0x61, 0x66, 0xC3, 0xA9, 0x80], 5),  // stray continuation byte
        ]
        for input in invalidInputs {
            #expect(throws: TokenizerError.invalidUTF8(offset: input.offset)) {
                try tokenizer.encode(bytes: input.bytes, truncate: true)
            }
        }
        #expect(TokenizerError.invalidUTF8(offset: 7).description.contains("byte offset 7"))
    }

    @Test func looksUpTokensAndIds() throws {
        let tokenizer = try makeTokenizer()
        #expect(tokenizer.tokenId(for: "##aff") == id("##aff"))
        #expect(tokenizer.tokenId(for: "[MASK]") == 4)
        #expect(tokenizer.tokenId(for: "missing") == nil)
        #expect(tokenizer.token(for: id("cafe")) == "cafe")
        #expect(tokenizer.token(for: 999) == nil)
        #expect(tokenizer.vocabularySize == Self.vocabulary.count)
        #expect(tokenizer.maxLength == 256)
    }

    @Test func readsVocabularyFilesWithWindowsLineEndings() throws {
        let tokenizer = try makeTokenizer(lineEnding: "\r\n")
        #expect(try tokenizer.encode("Hello, world!", truncate: false) == framed(["hello", ",", "world", "!"]))
    }

    @Test func rejectsUnusableConfigurations() throws {
        #expect(throws: TokenizerError.self) { try makeTokenizer(maxLength: 1) }
        #expect(throws: TokenizerError.self) {
            try makeTokenizer(lines: Self.vocabulary.filter { $0 != "[UNK]" })
        }
        #expect(throws: TokenizerError.self) {
            try makeTokenizer(lines: Self.vocabulary.filter { $0 != "[SEP]" })
        }
        let missing = URL(fileURLWithPath: "/nonexistent/vocab.txt")
        #expect(throws: TokenizerError.self) { try WordPieceTokenizer(vocabularyFile: missing) }
        #expect(throws: TokenizerError.self) {
            try WordPieceTokenizer(tokenizerJSONData: Data(#"{"model": {"type": "BPE"}}"#.utf8))
        }
        #expect(throws: TokenizerError.self) { try WordPieceTokenizer(tokenizerJSONData: Data("not json".utf8)) }
    }

    @Test func encodesConcurrentlyFromOneInstance() async throws {
        let tokenizer = try makeTokenizer()
        let text = String(repeating: "Hello, unaffable world! 中文 café ", count: 200)
        let expected = try tokenizer.encode(text, truncate: true)
        let results = try await withThrowingTaskGroup(of: [UInt32].self) { group in
            for _ in 0..<8 {
                group.addTask { try tokenizer.encode(text, truncate: true) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0 == expected })
        #expect(expected.count == 256)
    }
}
