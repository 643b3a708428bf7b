/// A BERT WordPiece tokenizer loaded from tokenizer.json (or vocab.txt).
///
/// It produces the same ids as Hugging Face `tokenizers` for BERT-style tokenizer.json files
/// (`BertNormalizer`, `BertPreTokenizer`, `WordPiece`, a `[CLS] $A [SEP]` template), including
/// its added tokens with their `single_word`, `lstrip`, `rstrip` and `normalized` options.
/// The truncation and padding sections of tokenizer.json are ignored: `maxLength` governs, and
/// nothing is padded.
///
/// Encoding is thread-safe; one instance serves all requests.
public final class WordPieceTokenizer: Sendable {
    /// The most ids an encoding may have, [CLS] and [SEP] included (256 unless set at init).
    public let maxLength: Int

    /// One more than the largest token id; every id this tokenizer produces is below it.
    public let vocabularySize: Int

    private let normalizer: BertNormalizer
    private let preTokenizer = BertPreTokenizer()
    private let model: WordPieceModel
    private let addedTokens: AddedTokenPasses
    /// Whether a text may be read in chunks cut at whitespace: not when an added token is
    /// spelled with whitespace, since a match could then reach across a cut.
    private let cutsAtWhitespace: Bool
    private let tokensById: [UInt32: String]
    private let classifierTokenId: UInt32
    private let separatorTokenId: UInt32

    /// Assembles a tokenizer from its parts; `maxLength` must leave room for [CLS] and [SEP].
    init(
        model: WordPieceModel,
        normalizer: BertNormalizer,
        addedTokens: [AddedToken],
        classifierTokenId: UInt32,
        separatorTokenId: UInt32,
        maxLength: Int
    ) throws(TokenizerError) {
        guard maxLength >= 2 else {
            throw .invalidConfiguration("maxLength \(maxLength) leaves no room for [CLS] and [SEP]")
        }
        self.maxLength = maxLength
        self.model = model
        self.normalizer = normalizer
        self.classifierTokenId = classifierTokenId
        self.separatorTokenId = separatorTokenId

        let passes = AddedTokenPasses(addedTokens) { normalizer.normalize($0, into: &$1, staging: &$2) }
        self.addedTokens = passes
        cutsAtWhitespace = !passes.spellsWhitespace

        var tokensById: [UInt32: String] = [:]
        for (spelling, id) in model.vocabulary {
            tokensById[id] = spelling
        }
        for token in addedTokens {
            tokensById[token.id] = token.content
        }
        self.tokensById = tokensById
        let largestId = tokensById.keys.max() ?? 0
        vocabularySize = Int(max(largestId, classifierTokenId, separatorTokenId)) + 1
    }

    /// The id of a token spelled exactly so (an added token, or a vocabulary entry such as
    /// `##ing`), or nil if there is none. The spelling is not normalized.
    public func tokenId(for token: String) -> UInt32? {
        addedTokens.idsBySpelling[token] ?? model.vocabulary[token]
    }

    /// The spelling of a token id, or nil if no token has it.
    public func token(for id: UInt32) -> String? {
        tokensById[id]
    }

    /// The token ids of `text`, starting with [CLS] and ending with [SEP].
    ///
    /// When the ids would number more than `maxLength`: with `truncate`, the text's tokens are
    /// cut so that [CLS], the first `maxLength - 2` of them and [SEP] remain; without, this
    /// throws `TokenizerError.tooLong(tokens:limit:)` giving the full count and the limit.
    /// Empty and whitespace-only texts give [CLS] [SEP].
    public func encode(_ text: String, truncate: Bool) throws -> [UInt32] {
        try encode(text, truncate: truncate, limits: EncodingLimits(maxLength: maxLength), isCancelled: { false })
    }

    /// The token ids of `text` within `limits`, stopping early when `isCancelled` says so.
    ///
    /// Use this where a caller may go away: a server passes
    /// `{ Task.isCancelled || ContinuousClock.now >= deadline }` so that a reset stream or a
    /// passed deadline stops the work. `isCancelled` is called before each chunk of about
    /// 4,096 scalars (see `TextChunkReader`), never concurrently; when it returns true this
    /// throws `CancellationError`.
    ///
    /// Time is linear in the length of the text read. With `truncate`, reading stops once
    /// `limits.maxLength - 2` tokens are made, so a long text costs about what its first few
    /// kilobytes cost, and never reads past `limits.maxTextBytes`; the ids are then those
    /// `encode(_:truncate:)` gives (with `maxLength` from `limits`) for the text as read.
    /// Without `truncate`, a text over `limits.maxTextBytes` throws
    /// `TokenizerError.textTooLarge(bytes:limit:)` before any work, and one over
    /// `limits.maxLength` ids throws `TokenizerError.tooLong(tokens:limit:)`.
    public func encode(
        _ text: String,
        truncate: Bool,
        limits: EncodingLimits,
        isCancelled: () -> Bool
    ) throws -> [UInt32] {
        var encoding = try FramedEncoding(
            of: text, truncate: truncate, limits: limits,
            firstTokenId: classifierTokenId, lastTokenId: separatorTokenId, frame: "[CLS] and [SEP]"
        )
        var reader = TextChunkReader(
            text, byteLimit: limits.maxTextBytes, normalizer: normalizer, cutsAtWhitespace: cutsAtWhitespace
        )
        var chunk: [Unicode.Scalar] = []
        var normalized: [Unicode.Scalar] = []
        var staging: [Unicode.Scalar] = []
        var wordBuffer: [UInt8] = []

        while encoding.hasRoom, reader.read(into: &chunk) {
            if isCancelled() { throw CancellationError() }
            addedTokens.encode(
                chunk: chunk[...], into: &encoding, normalized: &normalized, staging: &staging,
                normalize: { normalizer.normalize($0, into: &$1, staging: &$2) }
            ) { text, _, encoding in
                preTokenizer.forEachWord(in: text, wordBuffer: &wordBuffer) { word, scalarCount in
                    model.appendTokens(ofWord: word, scalarCount: scalarCount, to: &encoding.ids)
                    return encoding.hasRoom
                }
            }
        }

        return try encoding.finish()
    }

    /// The token ids of UTF-8 `bytes`, as `encode(_:truncate:)` gives for the decoded text.
    /// Invalid UTF-8 throws `TokenizerError.invalidUTF8(offset:)` with the offset of the
    /// first invalid byte sequence.
    public func encode(bytes: [UInt8], truncate: Bool) throws -> [UInt32] {
        try encode(UTF8ScalarDecoder.string(bytes), truncate: truncate)
    }
}
