/// A SentencePiece Unigram tokenizer loaded from tokenizer.json, as XLM-RoBERTa and
/// multilingual-e5 use it.
///
/// It produces the same ids as Hugging Face `tokenizers` for tokenizer.json files with a
/// `Precompiled`/`Replace` normalizer (or a `Sequence` of them), a `Metaspace` pre-tokenizer,
/// a `Unigram` model and a `<s> $A </s>` post-processor, including its added tokens with their
/// `single_word`, `lstrip`, `rstrip` and `normalized` options. The truncation and padding
/// sections of tokenizer.json are ignored: the limits given to `encode` govern.
///
/// Encoding is thread-safe and linear in the length of the text; one instance serves all requests.
public final class UnigramTokenizer: TextTokenizer {
    public let vocabularySize: Int

    private let normalizer: SentencePieceNormalizer
    private let preTokenizer: MetaspacePreTokenizer
    private let model: UnigramModel
    private let addedTokens: AddedTokenPasses
    /// The ASCII a chunk cut may touch (see `SpaceCutChunkReader`), or nil when the text must
    /// be read as one chunk.
    private let quietASCII: (low: UInt64, high: UInt64)?
    /// Each piece's spelling, by id, with added tokens in place.
    private let spellings: [UInt32: String]
    private let firstTokenId: UInt32
    private let lastTokenId: UInt32

    /// Assembles a tokenizer from its parts; `pieces` are the model's, in id order.
    init(
        model: UnigramModel,
        pieces: [String],
        normalizer: SentencePieceNormalizer,
        preTokenizer: MetaspacePreTokenizer,
        addedTokens: [AddedToken],
        firstTokenId: UInt32,
        lastTokenId: UInt32
    ) {
        self.model = model
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.firstTokenId = firstTokenId
        self.lastTokenId = lastTokenId
        let passes = AddedTokenPasses(addedTokens) { normalizer.normalize($0, into: &$1, staging: &$2) }
        self.addedTokens = passes
        let cutIsSafe = preTokenizer.splits && !passes.spellsWhitespace && !addedTokens.contains(where: \.stripsRight)
        quietASCII = cutIsSafe ? normalizer.quietASCII() : nil

        var spellings: [UInt32: String] = [:]
        for (id, piece) in pieces.enumerated() {
            spellings[UInt32(id)] = piece
        }
        for token in addedTokens {
            spellings[token.id] = token.content
        }
        self.spellings = spellings
        vocabularySize = Int(max(spellings.keys.max() ?? 0, firstTokenId, lastTokenId)) + 1
    }

    public func tokenId(for token: String) -> UInt32? {
        addedTokens.idsBySpelling[token] ?? model.pieceId(for: token.utf8)
    }

    public func token(for id: UInt32) -> String? {
        spellings[id]
    }

    /// The token ids of `text` within `limits`, `<s>` first and `</s>` last, stopping early when
    /// `isCancelled` says so (see `TextTokenizer.encode(_:truncate:limits:isCancelled:)`).
    public func encode(
        _ text: String,
        truncate: Bool,
        limits: EncodingLimits,
        isCancelled: () -> Bool
    ) throws -> [UInt32] {
        var work = 0
        return try encode(text, truncate: truncate, limits: limits, isCancelled: isCancelled, work: &work)
    }

    /// `encode(_:truncate:limits:isCancelled:)`, adding to `work` the model's work (trie steps
    /// and lattice positions), so that tests can check it grows linearly with the text.
    func encode(
        _ text: String,
        truncate: Bool,
        limits: EncodingLimits,
        isCancelled: () -> Bool,
        work: inout Int
    ) throws -> [UInt32] {
        var encoding = try FramedEncoding(
            of: text, truncate: truncate, limits: limits,
            firstTokenId: firstTokenId, lastTokenId: lastTokenId, frame: "<s> and </s>"
        )
        var reader = SpaceCutChunkReader(text, byteLimit: limits.maxTextBytes, quietASCII: quietASCII)
        var chunk: [Unicode.Scalar] = []
        var normalized: [Unicode.Scalar] = []
        var staging: [Unicode.Scalar] = []
        var wordBuffer: [UInt8] = []
        var lattice = UnigramModel.Lattice()
        var isFirstChunk = true

        while encoding.hasRoom, reader.read(into: &chunk) {
            if isCancelled() { throw CancellationError() }
            addedTokens.encode(
                chunk: chunk[...], into: &encoding, normalized: &normalized, staging: &staging,
                normalize: { normalizer.normalize($0, into: &$1, staging: &$2) }
            ) { text, startsChunk, encoding in
                preTokenizer.forEachWord(in: text, startsText: isFirstChunk && startsChunk, wordBuffer: &wordBuffer) {
                    word in
                    work += model.appendTokens(ofWord: word, to: &encoding.ids, lattice: &lattice)
                    return encoding.hasRoom
                }
            }
            isFirstChunk = false
        }

        return try encoding.finish()
    }
}
