import Foundation
import QuantServeTestSupport
import QuantServeTransformer
import Testing

/// The tokenizer against Hugging Face `tokenizers` on all-MiniLM-L6-v2: the fixture written by
/// Tests/Python/make_tokenizer_fixture.py, with the model's tokenizer.json from the project venv.
@Suite
struct TokenizerFixtureTests {
    /// The fixture file's layout (variants' `overrides` are read separately, as untyped JSON).
    struct Fixture: Decodable {
        struct Case: Decodable {
            var category: String?
            var text: String
            var ids: [UInt32]
        }

        /// "<prefix><c><suffix>" for every scalar c of `runs`, encoded `chunkSize` scalars at a
        /// time, each chunk's ids summarised by their count and FNV-1a hash.
        struct Sweep: Decodable {
            struct Chunk: Decodable {
                var count: Int
                var fnv1a64: String
            }

            var prefix: String
            var suffix: String
            var runs: [[UInt32]]
            var chunkSize: Int
            var chunks: [Chunk]
        }

        struct Variant: Decodable {
            var name: String
            var cases: [Case]
            var sweep: Sweep?
        }

        var maxLength: Int
        var cases: [Case]
        var codePointSweep: Sweep
        var variants: [Variant]
    }

    /// The tokenizer.json variants of the fixture, in its order.
    static let variantNames = [
        "added-token-options", "no-added-tokens", "cased", "lowercase-keeping-accents",
        "accents-stripped-cased", "no-cleaning-or-chinese-spacing", "no-normalizer",
        "eight-characters-per-word", "bert-processing", "reversed-template", "probe-vocabulary",
    ]

    /// Room for the longest fixture text without truncation.
    static let unlimitedLength = 1_000_000

    let fixture: Fixture
    let modelDirectory: URL

    init() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        fixture = try decoder.decode(Fixture.self, from: Data(contentsOf: TokenizerTestFiles.fixture))
        modelDirectory = try Prerequisite.miniLMWheel.require()
    }

    private var tokenizerJSON: URL { modelDirectory.appendingPathComponent("tokenizer.json") }

    /// The cases whose ids differ, described for the failure message (at most ten).
    static func mismatches(
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
            let firstDifference =
                zip(actual, testCase.ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actual.count, testCase.ids.count)
            found.append(
                """
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
        let failures = Self.mismatches(of: fixture.cases) { try tokenizer.encode($0, truncate: false) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func utf8BytesGiveTheSameIds() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON, maxLength: Self.unlimitedLength)
        let failures = Self.mismatches(of: fixture.cases) {
            try tokenizer.encode(bytes: Array($0.utf8), truncate: false)
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func vocabularyFileMatchesHuggingFaceOnEveryCase() throws {
        let vocabularyFile = modelDirectory.appendingPathComponent("vocab.txt")
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyFile, maxLength: Self.unlimitedLength)
        let failures = Self.mismatches(of: fixture.cases) { try tokenizer.encode($0, truncate: false) }
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
            #expect(
                truncated.dropLast() == testCase.ids.prefix(limit - 1), "\(testCase.text.prefix(60).debugDescription)")
            #expect(throws: TokenizerError.tooLong(tokens: testCase.ids.count, limit: limit)) {
                try tokenizer.encode(testCase.text, truncate: false)
            }
        }
        #expect(longCases >= 5)
    }

    @Test func everyCodePointMatchesHuggingFace() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON, maxLength: Self.unlimitedLength)
        let sweep = fixture.codePointSweep
        #expect(sweep.runs == [[0, 0x10FFFF]])
        let failures = try Self.sweepFailures(sweep, tokenizer)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func variantsCoverEveryFixtureVariant() {
        #expect(fixture.variants.map(\.name) == Self.variantNames)
    }

    /// tokenizer.json with parts replaced: added-token options, normalizer settings, the word
    /// length limit, post-processors, and a probe vocabulary under which the ids spell out the
    /// normalized text scalar by scalar.
    @Test(arguments: variantNames)
    func variantMatchesHuggingFace(variantName: String) throws {
        let variant = try #require(fixture.variants.first { $0.name == variantName })
        let tokenizer = try WordPieceTokenizer(
            tokenizerJSONData: variantTokenizerJSON(named: variantName),
            maxLength: Self.unlimitedLength
        )
        #expect(!variant.cases.isEmpty)
        let failures = Self.mismatches(of: variant.cases) { try tokenizer.encode($0, truncate: false) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        if let sweep = variant.sweep {
            let sweepFailures = try Self.sweepFailures(sweep, tokenizer)
            #expect(sweepFailures.isEmpty, "\(sweepFailures.joined(separator: "\n"))")
        }
    }

    /// The model's tokenizer.json with the variant's `overrides` applied (a key of the document,
    /// or `model/<key>` for a key of its model).
    private func variantTokenizerJSON(named name: String) throws -> Data {
        let fixtureDocument = try JSONSerialization.jsonObject(with: Data(contentsOf: TokenizerTestFiles.fixture))
        let variants = try #require((fixtureDocument as? [String: Any])?["variants"] as? [[String: Any]])
        let variant = try #require(variants.first { $0["name"] as? String == name })
        let overrides = try #require(variant["overrides"] as? [String: Any])
        var document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerJSON)) as? [String: Any]
        )
        for (key, value) in overrides {
            if key.hasPrefix("model/") {
                var model = try #require(document["model"] as? [String: Any])
                model[String(key.dropFirst("model/".count))] = value
                document["model"] = model
            } else {
                document[key] = value
            }
        }
        return try JSONSerialization.data(withJSONObject: document)
    }

    /// The chunks of a sweep whose ids differ from the fixture, described (at most ten).
    static func sweepFailures(_ sweep: Fixture.Sweep, _ tokenizer: WordPieceTokenizer) throws -> [String] {
        try sweepFailures(sweep) { try tokenizer.encode(bytes: $0, truncate: false) }
    }

    /// The chunks of a sweep whose ids, as `encode` makes them from UTF-8, differ from the
    /// fixture, described (at most ten).
    static func sweepFailures(_ sweep: Fixture.Sweep, encode: ([UInt8]) throws -> [UInt32]) throws -> [String] {
        let scalars = sweep.runs.flatMap { $0[0]...$0[1] }.compactMap(Unicode.Scalar.init)
        guard sweep.chunks.count == (scalars.count + sweep.chunkSize - 1) / sweep.chunkSize else {
            return ["\(sweep.chunks.count) chunks for \(scalars.count) scalars in chunks of \(sweep.chunkSize)"]
        }
        var failures: [String] = []
        var text: [UInt8] = []
        for (index, chunk) in sweep.chunks.enumerated() {
            let chunkScalars = scalars[(index * sweep.chunkSize)..<min(scalars.count, (index + 1) * sweep.chunkSize)]
            text.removeAll(keepingCapacity: true)
            for scalar in chunkScalars {
                text += sweep.prefix.utf8
                UTF8.encode(scalar) { text.append($0) }
                text += sweep.suffix.utf8
            }
            let ids = try encode(text)
            let hash = fnv1a64(ids)
            if ids.count != chunk.count || hash != UInt64(chunk.fnv1a64, radix: 16) {
                let first = String(chunkScalars.first?.value ?? 0, radix: 16)
                let last = String(chunkScalars.last?.value ?? 0, radix: 16)
                failures.append(
                    """
                    U+\(first)...U+\(last): \(ids.count) ids (expected \(chunk.count)), \
                    hash \(String(hash, radix: 16)) (expected \(chunk.fnv1a64))
                    """)
            }
        }
        return Array(failures.prefix(10))
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
