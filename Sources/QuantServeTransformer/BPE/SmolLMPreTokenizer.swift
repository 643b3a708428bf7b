/// The pre-tokenizer of SmolLM2 (`tokenizer.ggml.pre` = "smollm"): Hugging Face's `Digits`
/// with individual digits, then the GPT-2 byte-level split
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
/// matched by hand in one left-to-right pass (linear in the text). llama.cpp's "smollm" split is
/// the same: `\p{N}`, then that pattern.
enum SmolLMPreTokenizer {
    /// The class of a scalar, as the split pattern sees it.
    enum Kind: UInt8 {
        case letter, number, whitespace, other
    }

    /// The class of `scalar` for the pattern (`\p{L}`, `\p{N}`, `\s` or none of them).
    static func kind(of scalar: Unicode.Scalar) -> Kind {
        if scalar.isASCII {
            switch scalar.value {
            case 0x30...0x39: return .number
            case 0x41...0x5A, 0x61...0x7A: return .letter
            case 0x09...0x0D, 0x20: return .whitespace
            default: return .other
            }
        }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        let kind: Kind =
            switch properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: .letter
            case .decimalNumber, .letterNumber, .otherNumber: .number
            default: .other
            }
        guard kind != .other, let age = properties.age, age.major > patternUnicodeMajorVersion else { return kind }
        return .other
    }

    /// Whether `Digits` isolates the scalar: Rust's `char::is_numeric`, whose tables are as new
    /// as Swift's (numbers of Unicode 17 included).
    static func isIsolatedDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// The Unicode version of the tables of the regex engine of Hugging Face `tokenizers`
    /// (Oniguruma): a letter or number assigned later (Swift's tables are newer) is unassigned
    /// there, and so of neither class. The code point sweep of the tests finds any difference.
    static let patternUnicodeMajorVersion = 16

    /// The pre-tokens of `text`, as ranges of its indices, in order; together they cover the text.
    static func split(_ text: ArraySlice<Unicode.Scalar>) -> [Range<Int>] {
        let kinds = text.map(kind(of:))
        let base = text.startIndex
        var pieces: [Range<Int>] = []
        // Digits first: every number scalar is a piece of its own; the pattern runs between them.
        var start = 0
        for index in 0...kinds.count
        where index == kinds.count || kinds[index] == .number
            || (kinds[index] == .other && !text[base + index].isASCII && isIsolatedDigit(text[base + index]))
        {
            splitPattern(text, kinds: kinds, range: start..<index, base: base, into: &pieces)
            if index < kinds.count { pieces.append((base + index)..<(base + index + 1)) }
            start = index + 1
        }
        return pieces
    }

    /// Appends the matches of the GPT-2 pattern in `range` of `kinds` (a stretch without numbers).
    private static func splitPattern(
        _ text: ArraySlice<Unicode.Scalar>, kinds: [Kind], range: Range<Int>, base: Int,
        into pieces: inout [Range<Int>]
    ) {
        var position = range.lowerBound
        let end = range.upperBound
        func run(from start: Int, while matches: (Kind) -> Bool) -> Int {
            var stop = start
            while stop < end, matches(kinds[stop]) { stop += 1 }
            return stop
        }
        while position < end {
            let scalar = text[base + position]
            var stop: Int
            if scalar == "'", let length = contractionLength(text, at: base + position, end: base + end) {
                stop = position + length
            } else {
                // An optional leading space, then a run of one class.
                let body =
                    scalar == " " && position + 1 < end && kinds[position + 1] != .whitespace ? position + 1 : position
                switch kinds[body] {
                case .letter: stop = run(from: body) { $0 == .letter }
                case .number: stop = run(from: body) { $0 == .number }
                case .other: stop = run(from: body) { $0 == .other }
                case .whitespace:
                    // `\s+(?!\S)`: the run, less its last scalar when a non-space follows; else `\s+`.
                    stop = run(from: position) { $0 == .whitespace }
                    if stop < end, stop - position > 1 { stop -= 1 }
                }
            }
            pieces.append((base + position)..<(base + stop))
            position = stop
        }
    }

    /// The length of the contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) at `index`, if any.
    private static func contractionLength(_ text: ArraySlice<Unicode.Scalar>, at index: Int, end: Int) -> Int? {
        guard index + 1 < end else { return nil }
        switch text[index + 1] {
        case "s", "t", "m", "d": return 2
        case "r", "v", "l":
            guard index + 2 < end else { return nil }
            let pair = (text[index + 1], text[index + 2])
            return pair == ("r", "e") || pair == ("v", "e") || pair == ("l", "l") ? 3 : nil
        default: return nil
        }
    }
}
