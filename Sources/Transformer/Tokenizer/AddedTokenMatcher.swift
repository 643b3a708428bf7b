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

    /// Whether there is no token to look for.
    var isEmpty: Bool { patternsByFirstScalar.isEmpty }

    /// A matcher for `tokens`, each searched for as `spelling(token)`; empty spellings are ignored.
    init(tokens: [AddedToken], spelling: (AddedToken) -> [Unicode.Scalar]) {
        var patterns: [Unicode.Scalar: [Pattern]] = [:]
        for token in tokens {
            let scalars = spelling(token)
            guard let first = scalars.first else { continue }
            patterns[first, default: []].append(Pattern(scalars: scalars, token: token))
        }
        patternsByFirstScalar = patterns.mapValues { candidates in
            // Stable, so that of two equal spellings the first listed wins, as in `tokenizers`.
            candidates.enumerated()
                .sorted { ($0.element.scalars.count, -$0.offset) > ($1.element.scalars.count, -$1.offset) }
                .map(\.element)
        }
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
                var strippedStart = start
                while strippedStart > text.startIndex, isWhitespace(text[strippedStart - 1]) {
                    strippedStart -= 1
                }
                // Whitespace already taken by the previous match stays with it.
                start = max(strippedStart, pieceStart)
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
        guard let candidates = patternsByFirstScalar[text[position]] else { return nil }
        return candidates.first { pattern in
            pattern.scalars.count <= text.endIndex - position
                && text[position..<(position + pattern.scalars.count)].elementsEqual(pattern.scalars)
        }
    }

    private func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        BertUnicodeTable.shared.flags(of: scalar).contains(.whitespace)
    }
}
