import Foundation
import Testing
import Transformer

/// The tokenizer against Hugging Face `tokenizers` on all-MiniLM-L6-v2: the fixture written by
/// Tests/Python/make_tokenizer_fixture.py, with the model's tokenizer.json from the project venv.
@Suite(.enabled(if: TokenizerTestFiles.modelDirectory != nil, TokenizerTestFiles.missingModelNote))
struct TokenizerFixtureTests {
    /// The fixture file's layout.
    struct Fixture: Decodable {
        struct Case: Decodable {
            var category: String?
            var text: String
            var ids: [UInt32]
        }

        struct Sweep: Decodable {
            struct Chunk: Decodable {
                var first: UInt32
                var last: UInt32
                var count: Int
                var fnv1a64: String
            }

            var prefix: String
            var suffix: String
            var chunks: [Chunk]
        }

        struct AddedTokenEntry: Codable {
            var id: UInt32
            var content: String
            var singleWord: Bool
            var lstrip: Bool
            var rstrip: Bool
            var normalized: Bool
            var special: Bool
        }

        struct Variant: Decodable {
            var name: String
            var addedTokens: [AddedTokenEntry]
            var cases: [Case]
        }

        var maxLength: Int
        var cases: [Case]
        var codePointSweep: Sweep
        var addedTokenVariants: [Variant]
    }

    /// Room for the longest fixture text without truncation.
    static let unlimitedLength = 1_000_000

    let fixture: Fixture
    let modelDirectory: URL

    init() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        fixture = try decoder.decode(Fixture.self, from: Data(contentsOf: TokenizerTestFiles.fixture))
        modelDirectory = try #require(TokenizerTestFiles.modelDirectory)
    }

    private var tokenizerJSON: URL { modelDirectory.appendingPathComponent("tokenizer.json") }

    /// The cases whose ids differ, described for the failure message (at most ten).
    private func mismatches(
        of cases: [Fixture.Case],
        _ encode: (String) throws -> [UInt32]
    ) -> [String] {
        var found: [String] = []
        for testCase in cases {
            let actual: [UInt32]
            do {
                actual = try encode(testCase.text)
            } catch {
                found.append("\(testCase.text.debugDescription): threw \(error)")
                continue
            }
            guard actual != testCase.ids else { continue }
            let firstDifference = zip(actual, testCase.ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actual.count, testCase.ids.count)
            found.append("""
                [\(testCase.category ?? "")] \(testCase.text.prefix(80).debugDescription): \
                \(actual.count) ids, expected \(testCase.ids.count), first difference at \(firstDifference): \
                \(actual.dropFirst(firstDifference).prefix(6)) vs \(testCase.ids.dropFirst(firstDifference).prefix(6))
                """)
        }
        return Array(found.prefix(10))
    }

    @Test func fixtureIsLargeAndVaried() {
        #expect(fixture.cases.count >= 300)
        #expect(fixture.cases.contains { $0.text.unicodeScalars.count == 100_000 })
        #expect(fixture.cases.contains { $0.ids.count == fixture.maxLength })
        #expect(fixture.cases.contains { $0.ids.count == fixture.maxLength + 1 })
        #expect(fixture.cases.contains { $0.text.isEmpty })
    }

    @Test func tokenizerJSONMatchesHuggingFaceOnEveryCase() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON, maxLength: Self.unlimitedLength)
        #expect(tokenizer.vocabularySize == 30522)
        let failures = mismatches(of: fixture.cases) { try tokenizer.encode($0, truncate: false) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func utf8BytesGiveTheSameIds() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON, maxLength: Self.unlimitedLength)
        let failures = mismatches(of: fixture.cases) { try tokenizer.encode(bytes: Array($0.utf8), truncate: false) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func vocabularyFileMatchesHuggingFaceOnEveryCase() throws {
        let vocabularyFile = modelDirectory.appendingPathComponent("vocab.txt")
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyFile, maxLength: Self.unlimitedLength)
        let failures = mismatches(of: fixture.cases) { try tokenizer.encode($0, truncate: false) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func longTextsAreTruncatedOrRejectedAtTheLimit() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON)
        let limit = fixture.maxLength
        #expect(tokenizer.maxLength == limit)
        let classifier = try #require(tokenizer.tokenId(for: "[CLS]"))
        let separator = try #require(tokenizer.tokenId(for: "[SEP]"))
        var longCases = 0
        for testCase in fixture.cases {
            let truncated = try tokenizer.encode(testCase.text, truncate: true)
            if testCase.ids.count <= limit {
                #expect(truncated == testCase.ids)
                #expect(try tokenizer.encode(testCase.text, truncate: false) == testCase.ids)
                continue
            }
            longCases += 1
            #expect(truncated.count == limit)
            #expect(truncated.first == classifier && truncated.last == separator)
            #expect(truncated.dropLast() == testCase.ids.prefix(limit - 1), "\(testCase.text.prefix(60).debugDescription)")
            #expect(throws: TokenizerError.tooLong(tokens: testCase.ids.count, limit: limit)) {
                try tokenizer.encode(testCase.text, truncate: false)
            }
        }
        #expect(longCases >= 5)
    }

    @Test func everyCodePointMatchesHuggingFace() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON, maxLength: Self.unlimitedLength)
        let sweep = fixture.codePointSweep
        #expect(sweep.chunks.first?.first == 0 && sweep.chunks.last?.last == 0x10FFFF)
        var failures: [String] = []
        for chunk in sweep.chunks {
            var text = String.UnicodeScalarView()
            for value in chunk.first...chunk.last {
                guard let scalar = Unicode.Scalar(value) else { continue }
                text.append(contentsOf: sweep.prefix.unicodeScalars)
                text.append(scalar)
                text.append(contentsOf: sweep.suffix.unicodeScalars)
            }
            let ids = try tokenizer.encode(String(text), truncate: false)
            let hash = Self.fnv1a64(ids)
            if ids.count != chunk.count || hash != UInt64(chunk.fnv1a64, radix: 16) {
                failures.append("""
                    U+\(String(chunk.first, radix: 16))...U+\(String(chunk.last, radix: 16)): \
                    \(ids.count) ids (expected \(chunk.count)), hash \(String(hash, radix: 16)) (expected \(chunk.fnv1a64))
                    """)
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
    }

    @Test(arguments: ["options", "no-added-tokens"])
    func addedTokenOptionsMatchHuggingFace(variantName: String) throws {
        let variant = try #require(fixture.addedTokenVariants.first { $0.name == variantName })
        var document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerJSON)) as? [String: Any]
        )
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        document["added_tokens"] = try JSONSerialization.jsonObject(with: encoder.encode(variant.addedTokens))
        let tokenizer = try WordPieceTokenizer(
            tokenizerJSONData: JSONSerialization.data(withJSONObject: document),
            maxLength: Self.unlimitedLength
        )
        #expect(variant.cases.count >= 20)
        let failures = mismatches(of: variant.cases) { try tokenizer.encode($0, truncate: false) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        for token in variant.addedTokens {
            #expect(tokenizer.tokenId(for: token.content) == token.id)
        }
    }

    /// FNV-1a, 64-bit, over the ids as little-endian UInt32 values (as the fixture script computes it).
    static func fnv1a64(_ ids: [UInt32]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in ids {
            for shift in stride(from: 0, to: 32, by: 8) {
                hash ^= UInt64((id >> UInt32(shift)) & 0xFF)
                hash = hash &* 0x100_0000_01B3
            }
        }
        return hash
    }
}
