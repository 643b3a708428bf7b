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
    /// tokenizer file's SHA-256 (the weights are not read); the bytes parsed are the bytes hashed.
    public init(modelDirectory directory: URL) throws {
        let folder = try VerifiedModelFolder(directory: directory, scope: .tokenizerOnly)
        try self.init(manifest: folder.manifest, tokenizerBytes: folder.bytes(of: folder.manifest.tokenizer.file))
    }

    /// The tokenizer a manifest names, read from `directory` without checksum (a source folder
    /// being quantized; a symbolic link, as in a Hugging Face cache, is followed).
    init(manifest: ModelManifest, directory: URL) throws {
        let url = directory.appendingPathComponent(manifest.tokenizer.file)
        let bytes = try RegularFile.bytes(of: url, limit: VerifiedModelFolder.maximumTokenizerBytes, symlinks: .follow)
        try self.init(manifest: manifest, tokenizerBytes: bytes)
    }

    /// The tokenizer a manifest names, parsed from the tokenizer file's bytes.
    init(manifest: ModelManifest, tokenizerBytes bytes: [UInt8]) throws {
        wordPiece = manifest.tokenizer.file == "vocab.txt"
            ? try WordPieceTokenizer(vocabularyData: Data(bytes), lowercase: manifest.tokenizer.lowercase)
            : try WordPieceTokenizer(tokenizerJSONData: Data(bytes))
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
