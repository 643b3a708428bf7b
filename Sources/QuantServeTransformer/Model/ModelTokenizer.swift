import Foundation

/// A model's tokenizer with the model's limits: what `Tokenize` and the encoder use.
public struct ModelTokenizer: Sendable {
    /// The default `maxTextBytes`: 64 KiB. The longest sequence a BERT model takes, 512 tokens,
    /// is a few kilobytes of text in any script, so every text that can be encoded whole fits
    /// with room to spare, while the most work a text can cost stays a few milliseconds.
    public static let defaultMaxTextBytes = 64 * 1024

    /// The tokenizer the manifest names: WordPiece for vocab.txt, and for tokenizer.json the
    /// kind its `model.type` says (WordPiece or Unigram).
    public let tokenizer: any TextTokenizer
    /// The longest token sequence the model accepts, [CLS] and [SEP] included.
    public let maxSequenceLength: Int
    /// The most UTF-8 bytes of one text: a longer text is refused, or read only this far when
    /// truncating (see `EncodingLimits.maxTextBytes`).
    public let maxTextBytes: Int

    /// Wraps a tokenizer for a model accepting `maxSequenceLength` tokens and texts of
    /// `maxTextBytes` bytes.
    public init(tokenizer: any TextTokenizer, maxSequenceLength: Int, maxTextBytes: Int = defaultMaxTextBytes) {
        self.tokenizer = tokenizer
        self.maxSequenceLength = maxSequenceLength
        self.maxTextBytes = maxTextBytes
    }

    /// Reads the tokenizer of the model folder `directory` after checking the manifest and the
    /// tokenizer file's SHA-256 (the weights are not read); the bytes parsed are the bytes hashed.
    public init(modelDirectory directory: URL, maxTextBytes: Int = defaultMaxTextBytes) throws {
        let folder = try VerifiedModelFolder(directory: directory, scope: .tokenizerOnly)
        try self.init(
            manifest: folder.manifest, tokenizerBytes: folder.bytes(of: folder.manifest.tokenizer.file),
            maxTextBytes: maxTextBytes)
    }

    /// The tokenizer a manifest names, read from `directory` without checksum (a source folder
    /// being quantized; a symbolic link, as in a Hugging Face cache, is followed), limited to the
    /// manifest's `max_sequence`.
    init(manifest: ModelManifest, directory: URL, maxTextBytes: Int = defaultMaxTextBytes) throws {
        let url = directory.appendingPathComponent(manifest.tokenizer.file)
        let bytes = try RegularFile.bytes(of: url, limit: VerifiedModelFolder.maximumTokenizerBytes, symlinks: .follow)
        try self.init(manifest: manifest, tokenizerBytes: bytes, maxTextBytes: maxTextBytes)
    }

    /// The tokenizer a manifest names, parsed from the tokenizer file's bytes, limited to the
    /// manifest's `max_sequence`.
    init(manifest: ModelManifest, tokenizerBytes bytes: [UInt8], maxTextBytes: Int = defaultMaxTextBytes) throws {
        tokenizer =
            manifest.tokenizer.file == "vocab.txt"
            ? try WordPieceTokenizer(
                vocabularyData: Data(bytes), lowercase: manifest.tokenizer.lowercase,
                maxLength: manifest.maxSequence)
            : try TextTokenizers.load(tokenizerJSONData: Data(bytes), maxLength: manifest.maxSequence)
        maxSequenceLength = manifest.maxSequence
        self.maxTextBytes = maxTextBytes
    }

    /// The limits every text is encoded within.
    public var limits: EncodingLimits {
        EncodingLimits(maxLength: maxSequenceLength, maxTextBytes: maxTextBytes)
    }

    /// The token ids of `text`, [CLS] and [SEP] (or <s> and </s>) included. A text longer than
    /// `maxSequenceLength` tokens is cut (keeping the final [SEP]) when `truncate` is set, and refused otherwise; a
    /// text over `maxTextBytes` is refused, or read only that far when `truncate` is set.
    public func encode(_ text: String, truncate: Bool) throws -> [UInt32] {
        try encode(text, truncate: truncate, isCancelled: { false })
    }

    /// The token ids of `text` as `encode(_:truncate:)` makes them, stopping when `isCancelled`
    /// returns true (checked every few thousand scalars) with `CancellationError`. A server
    /// passes `{ Task.isCancelled || ContinuousClock.now >= deadline }` (see
    /// `TextTokenizer.encode(_:truncate:limits:isCancelled:)`).
    public func encode(_ text: String, truncate: Bool, isCancelled: () -> Bool) throws -> [UInt32] {
        try tokenizer.encode(text, truncate: truncate, limits: limits, isCancelled: isCancelled)
    }
}
