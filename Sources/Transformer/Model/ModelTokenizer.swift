import Foundation

/// A model's tokenizer with the model's sequence limit: what `Tokenize` and the encoder use.
public struct ModelTokenizer: Sendable {
    /// The WordPiece tokenizer the manifest names.
    public let wordPiece: WordPieceTokenizer
    /// The longest token sequence the model accepts, [CLS] and [SEP] included.
    public let maxSequenceLength: Int

    /// Wraps a tokenizer for a model accepting `maxSequenceLength` tokens.
    public init(wordPiece: WordPieceTokenizer, maxSequenceLength: Int) {
        self.wordPiece = wordPiece
        self.maxSequenceLength = maxSequenceLength
    }

    /// Reads the tokenizer of the model folder `directory` after checking the manifest and the
    /// tokenizer file's SHA-256 (the weights are not read).
    public init(modelDirectory directory: URL) throws {
        let manifest = try ModelManifest.load(from: directory)
        guard let digest = manifest.files[manifest.tokenizer.file] else {
            throw ModelError.invalidManifest("files lists no checksum for \(manifest.tokenizer.file)")
        }
        var tokenizerOnly = manifest
        tokenizerOnly.files = [manifest.tokenizer.file: digest]
        try tokenizerOnly.verifyFiles(in: directory)
        try self.init(manifest: manifest, directory: directory)
    }

    /// The tokenizer a manifest names, read from `directory` without checks.
    init(manifest: ModelManifest, directory: URL) throws {
        let url = directory.appendingPathComponent(manifest.tokenizer.file)
        wordPiece = manifest.tokenizer.file == "vocab.txt"
            ? try WordPieceTokenizer(vocabularyFile: url, lowercase: manifest.tokenizer.lowercase)
            : try WordPieceTokenizer(tokenizerJSON: url)
        maxSequenceLength = manifest.maxSequence
    }

    /// The token ids of `text`, [CLS] and [SEP] included. A text longer than `maxSequenceLength`
    /// tokens is cut (keeping the final [SEP]) when `truncate` is set, and refused otherwise.
    public func encode(_ text: String, truncate: Bool) throws -> [UInt32] {
        var ids = try wordPiece.encode(text, truncate: truncate)
        if ids.count > maxSequenceLength {
            guard truncate else {
                throw EncoderError.sequenceTooLong(index: 0, length: ids.count, maximum: maxSequenceLength)
            }
            ids = Array(ids[..<(maxSequenceLength - 1)]) + [ids[ids.count - 1]]
        }
        return ids
    }
}
