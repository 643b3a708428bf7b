/// The `Metaspace` pre-tokenizer of Hugging Face `tokenizers`: spaces become the replacement
/// character (`▁`), one is put in front of the text when the prepend scheme says so, and each
/// replacement character starts a new word (when `splits`).
struct MetaspacePreTokenizer: Sendable {
    /// When a `▁` is put in front of a text that does not start with one.
    enum PrependScheme: Sendable {
        /// Before every piece of text (each piece between added tokens).
        case always
        /// Only before the piece that starts the whole text.
        case first
        /// Never.
        case never
    }

    /// The character spaces become (`▁`, U+2581).
    let replacement: Unicode.Scalar
    let prependScheme: PrependScheme
    /// Whether each replacement character starts a new word; otherwise the text is one word.
    let splits: Bool

    /// Calls `body` with each word of the normalized `text`, as UTF-8, in order, until `body`
    /// returns false. `startsText` says whether the text begins the whole input (for
    /// `PrependScheme.first`); `wordBuffer` is scratch space.
    func forEachWord(
        in text: ArraySlice<Unicode.Scalar>,
        startsText: Bool,
        wordBuffer: inout [UInt8],
        _ body: (_ word: ArraySlice<UInt8>) -> Bool
    ) {
        wordBuffer.removeAll(keepingCapacity: true)
        guard let first = text.first else { return }
        let prepends =
            switch prependScheme {
            case .always: true
            case .first: startsText
            case .never: false
            }
        if prepends, first != " ", first != replacement {
            UTF8.encode(replacement) { wordBuffer.append($0) }
        }
        for scalar in text {
            let isReplacement = scalar == " " || scalar == replacement
            if isReplacement, splits, !wordBuffer.isEmpty {
                guard body(wordBuffer[...]) else { return }
                wordBuffer.removeAll(keepingCapacity: true)
            }
            if isReplacement {
                UTF8.encode(replacement) { wordBuffer.append($0) }
            } else if scalar.isASCII {
                wordBuffer.append(UInt8(truncatingIfNeeded: scalar.value))
            } else {
                UTF8.encode(scalar) { wordBuffer.append($0) }
            }
        }
        if !wordBuffer.isEmpty {
            _ = body(wordBuffer[...])
        }
    }
}
