/// The `BertNormalizer` of Hugging Face `tokenizers`: clean text, space out Chinese
/// characters, strip accents (NFD, then drop Mn marks), lowercase, in that order.
struct BertNormalizer: Sendable {
    /// Drop control characters, U+0000 and U+FFFD; turn every whitespace character into a space.
    var cleansText: Bool
    /// Put a space before and after each CJK ideograph.
    var separatesChineseCharacters: Bool
    /// Decompose canonically (NFD) and drop nonspacing marks.
    var stripsAccents: Bool
    /// Lowercase each character with the full Unicode mapping.
    var lowercases: Bool

    /// The normalizer that changes nothing.
    static let identity = BertNormalizer(
        cleansText: false, separatesChineseCharacters: false, stripsAccents: false, lowercases: false
    )

    /// Built when the first normalizer is made, so that no request pays for it.
    private let table = BertUnicodeTable.shared

    /// Replaces `output` with the normalized form of `input`; `staging` is scratch space.
    func normalize(
        _ input: ArraySlice<Unicode.Scalar>,
        into output: inout [Unicode.Scalar],
        staging: inout [Unicode.Scalar]
    ) {
        staging.removeAll(keepingCapacity: true)
        for scalar in input {
            let flags = table.flags(of: scalar)
            var character = scalar
            if cleansText {
                if flags.contains(.removedByCleaning) { continue }
                if flags.contains(.whitespace) { character = " " }
            }
            if separatesChineseCharacters, flags.contains(.chineseIdeograph) {
                staging.append(" ")
                appendDecomposed(character, to: &staging)
                staging.append(" ")
            } else {
                appendDecomposed(character, to: &staging)
            }
        }

        output.removeAll(keepingCapacity: true)
        for scalar in staging {
            let flags = table.flags(of: scalar)
            if stripsAccents, flags.contains(.nonspacingMark) { continue }
            if lowercases, flags.contains(.changesWhenLowercased) {
                output += scalar.properties.lowercaseMapping.unicodeScalars
            } else {
                output.append(scalar)
            }
        }
    }

    /// Appends a scalar, canonically decomposed and ordered when stripping accents.
    @inline(__always)
    private func appendDecomposed(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        guard stripsAccents else {
            output.append(scalar)
            return
        }
        let flags = table.flags(of: scalar)
        if flags.contains(.decomposes) {
            let start = output.count
            table.appendDecomposition(of: scalar, to: &output)
            for index in start..<output.count where table.flags(of: output[index]).contains(.reorderable) {
                placeInCanonicalOrder(at: index, in: &output)
            }
        } else {
            output.append(scalar)
            if flags.contains(.reorderable) {
                placeInCanonicalOrder(at: output.count - 1, in: &output)
            }
        }
    }

    /// Moves the mark at `index` before the preceding marks of a higher combining class
    /// (the canonical ordering of NFD, a stable sort of each run of non-starters).
    private func placeInCanonicalOrder(at index: Int, in output: inout [Unicode.Scalar]) {
        let mark = output[index]
        let markClass = table.combiningClass(of: mark)
        var position = index
        while position > 0 {
            let previousClass = table.combiningClass(of: output[position - 1])
            guard previousClass > markClass else { break }
            output[position] = output[position - 1]
            position -= 1
        }
        output[position] = mark
    }
}
