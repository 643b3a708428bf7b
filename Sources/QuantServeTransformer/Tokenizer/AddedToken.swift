/// A token of `added_tokens` in tokenizer.json (such as `[CLS]` or `[MASK]`), found in the
/// text before the WordPiece model sees it, with the options of Hugging Face `tokenizers`.
struct AddedToken: Sendable, Equatable {
    /// The literal text of the token.
    var content: String
    /// The id the token encodes to.
    var id: UInt32
    /// Match only where neither neighbour is a word character (`\w`).
    var isSingleWord: Bool
    /// Absorb the whitespace on the left of a match.
    var stripsLeft: Bool
    /// Absorb the whitespace on the right of a match.
    var stripsRight: Bool
    /// Match the normalized content against normalized text, instead of the raw content
    /// against the raw text.
    var isNormalized: Bool
}
