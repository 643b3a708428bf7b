import Foundation

extension UnigramTokenizer {
    /// Loads a Hugging Face tokenizer.json with a `Unigram` model (see the type's description).
    ///
    /// - Throws: `TokenizerError` when the file is malformed or asks for components this
    ///   tokenizer does not implement.
    public convenience init(tokenizerJSONData data: Data) throws {
        try self.init(file: TokenizerJSONFile.parse(data))
    }

    /// Builds the tokenizer a parsed tokenizer.json describes.
    convenience init(file: TokenizerJSONFile) throws(TokenizerError) {
        guard file.model.type == "Unigram" else {
            throw .unsupportedConfiguration("model type \(file.model.type) is not Unigram")
        }
        guard let scoredPieces = file.model.scoredPieces else {
            throw .invalidConfiguration("the Unigram model has no vocab")
        }
        guard let unknownId = file.model.unknownId else {
            throw .unsupportedConfiguration("a Unigram model without unk_id")
        }
        let pieces = scoredPieces.map { (spelling: $0.piece, score: $0.score) }
        let model = try UnigramModel(
            pieces: pieces, unknownTokenId: unknownId, byteFallback: file.model.byteFallback ?? false)
        let (first, last) = try file.templateTokenIds()
        try self.init(
            model: model,
            pieces: pieces.map(\.spelling),
            normalizer: SentencePieceNormalizer(steps: Self.normalizerSteps(of: file.normalizer)),
            preTokenizer: Self.preTokenizer(of: file.preTokenizer),
            addedTokens: file.tokensAddedToVocabulary(modelSize: pieces.count) { model.pieceId(for: $0.utf8) },
            firstTokenId: first,
            lastTokenId: last
        )
    }

    private static func normalizerSteps(
        of section: TokenizerJSONFile.Normalizer?
    ) throws(TokenizerError) -> [SentencePieceNormalizer.Step] {
        guard let section else { return [] }
        switch section.type {
        case "Sequence":
            var steps: [SentencePieceNormalizer.Step] = []
            for part in section.normalizers ?? [] {
                try steps.append(contentsOf: normalizerSteps(of: part))
            }
            return steps
        case "Precompiled":
            guard let charsmap = section.precompiledCharsmap, !charsmap.isEmpty else { return [] }
            return try [.precompiled(PrecompiledCharsMap(base64: charsmap))]
        case "Replace":
            return try [replaceStep(of: section)]
        case let type:
            throw .unsupportedConfiguration(
                "normalizer \(type); only Precompiled, Replace and Sequence are implemented here")
        }
    }

    /// A `Replace` with a literal pattern, or with a regex that is one literal character
    /// repeated (`x+`, `x{2,}`): the forms SentencePiece conversions write.
    private static func replaceStep(of section: TokenizerJSONFile.Normalizer) throws(TokenizerError)
        -> SentencePieceNormalizer.Step
    {
        let replacement = Array((section.content ?? "").unicodeScalars)
        if let literal = section.pattern?.string, !literal.isEmpty {
            return .replaceLiteral(Array(literal.unicodeScalars), with: replacement)
        }
        if let regex = section.pattern?.regex {
            let scalars = Array(regex.unicodeScalars)
            let metacharacters = Set("\\^$.|?*+()[]{}".unicodeScalars)
            if let scalar = scalars.first, !metacharacters.contains(scalar) {
                let quantifier = String(String.UnicodeScalarView(scalars.dropFirst()))
                if quantifier == "+" {
                    return .replaceRuns(of: scalar, minimumCount: 1, with: replacement)
                }
                if quantifier.hasPrefix("{"), quantifier.hasSuffix(",}"),
                    let minimum = Int(quantifier.dropFirst().dropLast(2)), minimum >= 1
                {
                    return .replaceRuns(of: scalar, minimumCount: minimum, with: replacement)
                }
            }
            throw .unsupportedConfiguration(
                "Replace regex \(regex.debugDescription); only a repeated literal character is implemented")
        }
        throw .invalidConfiguration("a Replace normalizer has no pattern")
    }

    private static func preTokenizer(of section: TokenizerJSONFile.PreTokenizer?) throws(TokenizerError)
        -> MetaspacePreTokenizer
    {
        guard let section, section.type == "Metaspace" else {
            throw .unsupportedConfiguration(
                "pre_tokenizer \(section?.type ?? "null"); only Metaspace is implemented for Unigram")
        }
        let replacementScalars = Array((section.replacement ?? "\u{2581}").unicodeScalars)
        guard replacementScalars.count == 1 else {
            throw .invalidConfiguration("the Metaspace replacement must be one character")
        }
        let scheme: MetaspacePreTokenizer.PrependScheme
        switch section.prependScheme {
        case "always": scheme = .always
        case "first": scheme = .first
        case "never": scheme = .never
        case nil: scheme = section.addPrefixSpace ?? true ? .always : .never
        case let other?: throw .unsupportedConfiguration("Metaspace prepend_scheme \(other)")
        }
        return MetaspacePreTokenizer(
            replacement: replacementScalars[0], prependScheme: scheme, splits: section.split ?? true)
    }
}
