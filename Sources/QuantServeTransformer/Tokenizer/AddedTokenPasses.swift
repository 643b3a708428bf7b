/// A tokenizer's added tokens, ready for the two passes `tokenizers` makes: those marked
/// `normalized: false` are matched in the raw text, the others in the normalized text.
struct AddedTokenPasses: Sendable {
    /// Added tokens matched in the raw text (`normalized: false`).
    let raw: AddedTokenMatcher
    /// Added tokens matched in the normalized text (`normalized: true`).
    let normalized: AddedTokenMatcher
    /// Each added token's id by its spelling.
    let idsBySpelling: [String: UInt32]

    /// Prepares `tokens`; `normalize` is the tokenizer's normalizer, applied to the spelling of
    /// tokens matched in the normalized text.
    init(
        _ tokens: [AddedToken],
        normalize: (ArraySlice<Unicode.Scalar>, inout [Unicode.Scalar], inout [Unicode.Scalar]) -> Void
    ) {
        raw = AddedTokenMatcher(tokens: tokens.filter { !$0.isNormalized }) { Array($0.content.unicodeScalars) }
        normalized = AddedTokenMatcher(tokens: tokens.filter(\.isNormalized)) { token in
            var normalized: [Unicode.Scalar] = []
            var staging: [Unicode.Scalar] = []
            normalize(Array(token.content.unicodeScalars)[...], &normalized, &staging)
            return normalized
        }
        var idsBySpelling: [String: UInt32] = [:]
        for token in tokens {
            idsBySpelling[token.content] = token.id
        }
        self.idsBySpelling = idsBySpelling
    }

    /// Whether an added token is spelled with whitespace (a match could then reach across a
    /// chunk cut at whitespace).
    var spellsWhitespace: Bool { raw.spellsWhitespace || normalized.spellsWhitespace }
}

/// The ids of one encoding while a tokenizer builds it: a first special token, the text's
/// tokens, then a last special token, within `EncodingLimits`. It holds the checks both
/// tokenizers make before reading a text and the truncation and length check after.
struct FramedEncoding {
    /// The first special token and the text's tokens so far (the last one is added by `finish`).
    var ids: [UInt32]
    private let textTokenLimit: Int
    private let maxLength: Int
    private let lastTokenId: UInt32

    /// Starts the encoding of `text`. Throws `TokenizerError.invalidConfiguration` when
    /// `limits.maxLength` leaves no room for the two special tokens (`frame` names them in the
    /// message) and, without `truncate`, `TokenizerError.textTooLarge` for a text over
    /// `limits.maxTextBytes`, before any work.
    init(
        of text: String, truncate: Bool, limits: EncodingLimits,
        firstTokenId: UInt32, lastTokenId: UInt32, frame: String
    ) throws(TokenizerError) {
        guard limits.maxLength >= 2 else {
            throw .invalidConfiguration("maxLength \(limits.maxLength) leaves no room for \(frame)")
        }
        let byteCount = text.utf8.count
        if !truncate, byteCount > limits.maxTextBytes {
            throw .textTooLarge(bytes: byteCount, limit: limits.maxTextBytes)
        }
        // Without truncation every token is counted, so that the error can say how many there are.
        textTokenLimit = truncate ? limits.maxLength - 2 : Int.max
        maxLength = limits.maxLength
        self.lastTokenId = lastTokenId
        ids = [firstTokenId]
    }

    /// Whether another text token is wanted.
    var hasRoom: Bool { ids.count - 1 < textTokenLimit }

    /// The finished ids: the text's tokens cut to the limit, then the last special token.
    /// Throws `TokenizerError.tooLong` (with the full count) when they do not fit untruncated.
    consuming func finish() throws(TokenizerError) -> [UInt32] {
        if ids.count - 1 > textTokenLimit {
            ids.removeSubrange((textTokenLimit + 1)...)
        }
        ids.append(lastTokenId)
        guard ids.count <= maxLength else {
            throw .tooLong(tokens: ids.count, limit: maxLength)
        }
        return ids
    }
}

extension AddedTokenPasses {
    /// One chunk of text through both passes, while `encoding` has room: added tokens matched in
    /// the raw chunk are appended, the text between them is normalized (`normalize` as in `init`),
    /// added tokens matched in that normalized text are appended, and each stretch of normalized
    /// text between them goes to `words`, with whether it starts the chunk.
    func encode(
        chunk: ArraySlice<Unicode.Scalar>, into encoding: inout FramedEncoding,
        normalized: inout [Unicode.Scalar], staging: inout [Unicode.Scalar],
        normalize: (ArraySlice<Unicode.Scalar>, inout [Unicode.Scalar], inout [Unicode.Scalar]) -> Void,
        words: (ArraySlice<Unicode.Scalar>, _ startsChunk: Bool, inout FramedEncoding) -> Void
    ) {
        for rawPiece in raw.split(chunk) where encoding.hasRoom {
            switch rawPiece {
            case let .token(id):
                encoding.ids.append(id)
            case let .text(rawRange):
                normalize(chunk[rawRange], &normalized, &staging)
                for piece in self.normalized.split(normalized[...]) where encoding.hasRoom {
                    switch piece {
                    case let .token(id):
                        encoding.ids.append(id)
                    case let .text(range):
                        let startsChunk = rawRange.lowerBound == chunk.startIndex && range.lowerBound == 0
                        words(normalized[range], startsChunk, &encoding)
                    }
                }
            }
        }
    }
}
