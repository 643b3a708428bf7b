import Foundation

extension WordPieceTokenizer {
    /// The default `maxLength`: the `max_seq_length` sentence-transformers serves
    /// all-MiniLM-L6-v2 with.
    public static let defaultMaxLength = 256

    /// Loads a Hugging Face tokenizer.json with a `BertNormalizer` (or none), a
    /// `BertPreTokenizer`, a `WordPiece` model and a `[CLS] $A [SEP]` post-processor.
    ///
    /// - Parameters:
    ///   - url: The tokenizer.json file.
    ///   - maxLength: The most ids an encoding may have, [CLS] and [SEP] included.
    /// - Throws: `TokenizerError` when the file cannot be read, is malformed, or asks for
    ///   components this tokenizer does not implement.
    public convenience init(tokenizerJSON url: URL, maxLength: Int = defaultMaxLength) throws {
        try self.init(tokenizerJSONData: Self.contents(of: url), maxLength: maxLength)
    }

    /// Loads the contents of a Hugging Face tokenizer.json; see `init(tokenizerJSON:maxLength:)`.
    public convenience init(tokenizerJSONData data: Data, maxLength: Int = defaultMaxLength) throws {
        try self.init(file: TokenizerJSONFile.parse(data), maxLength: maxLength)
    }

    /// Builds the tokenizer a parsed tokenizer.json describes.
    convenience init(file: TokenizerJSONFile, maxLength: Int) throws {
        guard file.model.type == "WordPiece" else {
            throw TokenizerError.unsupportedConfiguration(
                "model type \(file.model.type); only WordPiece is implemented")
        }
        guard let vocabulary = file.model.vocabulary else {
            throw TokenizerError.invalidConfiguration("the WordPiece model has no vocab")
        }
        guard file.preTokenizer?.type == "BertPreTokenizer" else {
            throw TokenizerError.unsupportedConfiguration(
                "pre_tokenizer \(file.preTokenizer?.type ?? "null"); only BertPreTokenizer is implemented"
            )
        }
        let model = try WordPieceModel(
            vocabulary: vocabulary,
            unknownToken: file.model.unknownToken ?? "[UNK]",
            continuationPrefix: file.model.continuingSubwordPrefix ?? "##",
            maximumCharactersPerWord: file.model.maximumInputCharactersPerWord ?? 100
        )
        let addedTokens = file.tokensAddedToVocabulary(modelSize: vocabulary.count) { vocabulary[$0] }
        let (classifierTokenId, separatorTokenId) = try file.templateTokenIds()
        try self.init(
            model: model,
            normalizer: Self.normalizer(of: file.normalizer),
            addedTokens: addedTokens,
            classifierTokenId: classifierTokenId,
            separatorTokenId: separatorTokenId,
            maxLength: maxLength
        )
    }

    /// Loads a BERT vocab.txt (one token per line, ids counting from 0) and builds the tokenizer
    /// BERT uses with it: a `BertNormalizer` that cleans text, spaces out Chinese characters and,
    /// when `lowercase`, lowercases and strips accents; `[UNK]`, `##` and 100 characters per word;
    /// [PAD], [UNK], [CLS], [SEP] and [MASK] as special tokens matched in the raw text.
    ///
    /// - Throws: `TokenizerError` when the file cannot be read, is not UTF-8, or lacks
    ///   [UNK], [CLS] or [SEP].
    public convenience init(vocabularyFile url: URL, lowercase: Bool = true, maxLength: Int = defaultMaxLength) throws {
        try self.init(vocabularyData: Self.contents(of: url), lowercase: lowercase, maxLength: maxLength)
    }

    /// Loads the contents of a BERT vocab.txt; see `init(vocabularyFile:lowercase:maxLength:)`.
    public convenience init(vocabularyData data: Data, lowercase: Bool = true, maxLength: Int = defaultMaxLength) throws
    {
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.invalidConfiguration("vocab.txt is not UTF-8")
        }
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true {
            lines.removeLast()
        }
        var vocabulary: [String: UInt32] = [:]
        for (index, line) in lines.enumerated() {
            let tokenEnd = line.lastIndex { !$0.properties.isWhitespace }.map(line.index(after:)) ?? line.startIndex
            vocabulary[String(Substring(line[..<tokenEnd]))] = UInt32(index)
        }
        let model = try WordPieceModel(
            vocabulary: vocabulary,
            unknownToken: "[UNK]",
            continuationPrefix: "##",
            maximumCharactersPerWord: 100
        )
        guard let classifierTokenId = vocabulary["[CLS]"], let separatorTokenId = vocabulary["[SEP]"] else {
            throw TokenizerError.invalidConfiguration("vocab.txt lacks [CLS] or [SEP]")
        }
        let addedTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { content in
            vocabulary[content].map {
                AddedToken(
                    content: content, id: $0, isSingleWord: false, stripsLeft: false, stripsRight: false,
                    isNormalized: false
                )
            }
        }
        let normalizer = BertNormalizer(
            cleansText: true, separatesChineseCharacters: true, stripsAccents: lowercase, lowercases: lowercase
        )
        try self.init(
            model: model,
            normalizer: normalizer,
            addedTokens: addedTokens,
            classifierTokenId: classifierTokenId,
            separatorTokenId: separatorTokenId,
            maxLength: maxLength
        )
    }

    private static func contents(of url: URL) throws(TokenizerError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func normalizer(of section: TokenizerJSONFile.Normalizer?) throws(TokenizerError) -> BertNormalizer {
        guard let section else { return .identity }
        guard section.type == "BertNormalizer" else {
            throw .unsupportedConfiguration("normalizer \(section.type); only BertNormalizer is implemented")
        }
        let lowercases = section.lowercase ?? true
        return BertNormalizer(
            cleansText: section.cleanText ?? true,
            separatesChineseCharacters: section.handleChineseChars ?? true,
            stripsAccents: section.stripAccents ?? lowercases,
            lowercases: lowercases
        )
    }
}
