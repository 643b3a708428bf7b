import Foundation

/// A tokenizer a model is served with: WordPiece (BERT, MiniLM) or Unigram (XLM-R, multilingual-e5).
/// Which one a model has comes from its tokenizer file (see `TextTokenizers.load`).
public protocol TextTokenizer: AnyObject, Sendable {
    /// One more than the largest token id; every id this tokenizer produces is below it.
    var vocabularySize: Int { get }

    /// The id of a token spelled exactly so (an added token or a vocabulary entry), or nil.
    /// The spelling is not normalized.
    func tokenId(for token: String) -> UInt32?

    /// The spelling of a token id, or nil if no token has it.
    func token(for id: UInt32) -> String?

    /// The token ids of `text` within `limits`, the model's special tokens first and last,
    /// stopping with `CancellationError` when `isCancelled` returns true (checked every few
    /// thousand scalars).
    ///
    /// Time is linear in the length of the text read. With `truncate`, the text's tokens are cut
    /// to `limits.maxLength - 2` and reading stops once that many are made, never past
    /// `limits.maxTextBytes`. Without, a text over `limits.maxTextBytes` throws
    /// `TokenizerError.textTooLarge(bytes:limit:)` before any work, and one over
    /// `limits.maxLength` ids throws `TokenizerError.tooLong(tokens:limit:)`.
    func encode(_ text: String, truncate: Bool, limits: EncodingLimits, isCancelled: () -> Bool) throws -> [UInt32]
}

extension WordPieceTokenizer: TextTokenizer {}

/// Loading the right `TextTokenizer` for a tokenizer file.
public enum TextTokenizers {
    /// The tokenizer of a Hugging Face tokenizer.json, of the kind its `model.type` names
    /// ("WordPiece" or "Unigram"); `maxLength` bounds a WordPiece tokenizer's own `encode`.
    public static func load(tokenizerJSONData data: Data, maxLength: Int = WordPieceTokenizer.defaultMaxLength) throws
        -> any TextTokenizer
    {
        let file = try TokenizerJSONFile.parse(data)
        switch file.model.type {
        case "WordPiece":
            return try WordPieceTokenizer(file: file, maxLength: maxLength)
        case "Unigram":
            return try UnigramTokenizer(file: file)
        case let type:
            throw TokenizerError.unsupportedConfiguration(
                "model type \(type); only WordPiece and Unigram are implemented")
        }
    }
}
