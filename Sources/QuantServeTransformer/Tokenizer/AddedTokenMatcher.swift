/// Finds added tokens in text the way Hugging Face `tokenizers` does: leftmost-longest,
/// non-overlapping matches of the tokens' spellings (its Aho-Corasick search), then the
/// `single_word`, `lstrip` and `rstrip` options of each match.
struct AddedTokenMatcher: Sendable {
    /// A part of the text: plain text still to tokenize, or a found added token.
    enum Piece: Equatable {
        /// Plain text, as indices of the searched slice.
        case text(Range<Int>)
        /// An added token, by id.
        case token(UInt32)
    }

    private struct Pattern: Sendable {
        var scalars: [Unicode.Scalar]
        var token: AddedToken
    }

    /// Patterns by their first scalar, longest first.
    private let patternsByFirstScalar: [Unicode.Scalar: [Pattern]]
    /// Bit `n` is set when a pattern starts with the ASCII scalar `n` (a quick test before
    /// the dictionary, which would cost a hash per scalar of text).
    private let asciiFirstScalars: (low: UInt64, high: UInt64)
    /// Whether some pattern starts with a non-ASCII scalar.
    private let hasNonASCIIFirstScalar: Bool

    /// Whether there is no token to look for.
    var isEmpty: Bool { patternsByFirstScalar.isEmpty }

    /// Whether some token is spelled with whitespace, so that a match may reach across it.
    let spellsWhitespace: Bool

    /// A matcher for `tokens`, each searched for as `spelling(token)`; empty spellings are ignored.
    init(tokens: [AddedToken], spelling: (AddedToken) -> [Unicode.Scalar]) {
        var patterns: [Unicode.Scalar: [Pattern]] = [:]
        var spellsWhitespace = false
        for token in tokens {
            let scalars = spelling(token)
            guard let first = scalars.first else { continue }
            patterns[first, default: []].append(Pattern(scalars: scalars, token: token))
            spellsWhitespace =
                spellsWhitespace || scalars.contains { BertUnicodeTable.shared.flags(of: $0).contains(.whitespace) }
        }
        self.spellsWhitespace = spellsWhitespace
        patternsByFirstScalar = patterns.mapValues { candidates in
            // Stable, so that of two equal spellings the first listed wins, as in `tokenizers`.
            candidates.enumerated()
                .sorted { ($0.element.scalars.count, -$0.offset) > ($1.element.scalars.count, -$1.offset) }
                .map(\.element)
        }
        var asciiFirstScalars: (low: UInt64, high: UInt64) = (0, 0)
        for first in patterns.keys where first.isASCII {
            if first.value < 64 {
                asciiFirstScalars.low |= 1 << first.value
            } else {
                asciiFirstScalars.high |= 1 << (first.value - 64)
            }
        }
        self.asciiFirstScalars = asciiFirstScalars
        hasNonASCIIFirstScalar = patterns.keys.contains { !$0.isASCII }
    }

    /// Splits `text` into plain text and added tokens, in order.
    func split(_ text: ArraySlice<Unicode.Scalar>) -> [Piece] {
        guard !isEmpty else { return [.text(text.indices)] }
        var pieces: [Piece] = []
        var pieceStart = text.startIndex
        var position = text.startIndex
        while position < text.endIndex {
            guard let pattern = longestPattern(in: text, at: position) else {
                position += 1
                continue
            }
            var start = position
            var stop = position + pattern.scalars.count
            // The search resumes after the match, even when its options reject it.
            position = stop
            if pattern.token.isSingleWord {
                let isWordOnLeft = start > text.startIndex && BertUnicodeTable.isWordCharacter(text[start - 1])
                let isWordOnRight = stop < text.endIndex && BertUnicodeTable.isWordCharacter(text[stop])
                if isWordOnLeft || isWordOnRight { continue }
            }
            if pattern.token.stripsLeft {
                // Whitespace the previous match already took leaves no text piece below.
                while start > text.startIndex, isWhitespace(text[start - 1]) {
                    start -= 1
                }
            }
            if pattern.token.stripsRight {
                while stop < text.endIndex, isWhitespace(text[stop]) {
                    stop += 1
                }
            }
            if pieceStart < start {
                pieces.append(.text(pieceStart..<start))
            }
            pieces.append(.token(pattern.token.id))
            pieceStart = stop
        }
        if pieceStart < text.endIndex {
            pieces.append(.text(pieceStart..<text.endIndex))
        }
        return pieces
    }

    private func longestPattern(in text: ArraySlice<Unicode.Scalar>, at position: Int) -> Pattern? {
        guard mayStartPattern(text[position]), let candidates = patternsByFirstScalar[text[position]] else {
            return nil
        }
        return candidates.first { pattern in
            pattern.scalars.count <= text.endIndex - position
                && text[position..<(position + pattern.scalars.count)].elementsEqual(pattern.scalars)
        }
    }

    @inline(__always)
    private func mayStartPattern(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<64: asciiFirstScalars.low >> scalar.value & 1 != 0
        case 64..<128: asciiFirstScalars.high >> (scalar.value - 64) & 1 != 0
        default: hasNonASCIIFirstScalar
        }
    }

    private func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        BertUnicodeTable.shared.flags(of: scalar).contains(.whitespace)
    }
}
