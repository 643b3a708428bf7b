import Foundation
import QuantServeKernels
import Testing

@testable import QuantServeTransformer

/// A model's tokenizer takes its sequence limit from the manifest's `max_sequence` (not a fixed
/// 256) and its byte limit from the server's setting.
@Suite struct TokenizerModelLimitsTests {
    /// A tiny model folder whose manifest says `maxSequence`.
    private func folder(maxSequence: Int) throws -> TinyModelFolder {
        let folder = try TinyModelFolder(TinyBert(maxPosition: 520))
        var manifest = try ModelManifest.load(from: folder.model)
        manifest.maxSequence = maxSequence
        try manifest.write(to: folder.model)
        return folder
    }

    /// 400 words of the tiny vocabulary: 402 ids with [CLS] and [SEP].
    private let longText = String(repeating: "hello ", count: 400)

    @Test(arguments: [64, 512])
    func maximumLengthComesFromTheManifest(maxSequence: Int) throws {
        let folder = try folder(maxSequence: maxSequence)
        let tokenizer = try ModelTokenizer(modelDirectory: folder.model)
        #expect(tokenizer.maxSequenceLength == maxSequence)
        #expect((tokenizer.tokenizer as? WordPieceTokenizer)?.maxLength == maxSequence)
        #expect(try tokenizer.encode(longText, truncate: true).count == min(maxSequence, 402))
        if maxSequence < 402 {
            #expect(throws: TokenizerError.tooLong(tokens: 402, limit: maxSequence)) {
                try tokenizer.encode(longText, truncate: false)
            }
        } else {
            #expect(try tokenizer.encode(longText, truncate: false).count == 402)
        }

        let encoder = try BertEncoder(modelDirectory: folder.model, pool: ComputePool(threads: 1))
        #expect(encoder.maxSequenceLength == maxSequence)
        let ids = try encoder.tokenize(longText, truncate: true)
        #expect(ids.count == min(maxSequence, 402))
        let embeddings = try encoder.embed([ids])
        #expect(embeddings.count == 1 && embeddings[0].count == encoder.dimensions)
    }

    @Test func byteLimitReachesTheEncodersTokenizer() throws {
        let folder = try folder(maxSequence: 64)
        let encoder = try BertEncoder(modelDirectory: folder.model, pool: ComputePool(threads: 1), maxTextBytes: 100)
        #expect(encoder.modelTokenizer.maxTextBytes == 100)
        let text = String(repeating: "hello ", count: 30)  // 180 bytes
        #expect(throws: TokenizerError.textTooLarge(bytes: 180, limit: 100)) {
            try encoder.tokenize(text, truncate: false)
        }
        // Truncating reads 100 bytes: 16 whole words and "hell".
        let truncated = try encoder.tokenize(text, truncate: true)
        #expect(truncated == (try encoder.tokenize(String(text.utf8.prefix(100))!, truncate: false)))

        var checks = 0
        #expect(throws: CancellationError.self) {
            try encoder.tokenize(text, truncate: true) {
                checks += 1
                return true
            }
        }
        #expect(checks == 1)
        #expect(try ModelTokenizer(modelDirectory: folder.model).maxTextBytes == ModelTokenizer.defaultMaxTextBytes)
    }
}
