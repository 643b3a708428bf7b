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
    ///
    /// Linear in the length of `input`, whatever it holds: marks are put in canonical order by a
    /// stable sort of each run, not by moving each one past its predecessors.
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
        if stripsAccents {
            putMarksInCanonicalOrder(&staging)
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

    /// Whether normalization keeps `scalar` as whitespace. Nothing normalized or pre-tokenized
    /// reaches across such a scalar (it ends every word and every run of marks), so a text cut
    /// just after one normalizes and splits into words exactly as it does whole.
    @inline(__always)
    func keepsAsWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let flags = table.flags(of: scalar)
        return flags.contains(.whitespace) && !(cleansText && flags.contains(.removedByCleaning))
    }

    /// Appends a scalar, canonically decomposed when stripping accents.
    @inline(__always)
    private func appendDecomposed(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if stripsAccents, table.flags(of: scalar).contains(.decomposes) {
            table.appendDecomposition(of: scalar, to: &output)
        } else {
            output.append(scalar)
        }
    }

    /// Puts each run of marks with a non-zero combining class in canonical order (the last
    /// step of NFD): a stable sort of the run by combining class. Runs already in order, as
    /// in ordinary text, are only read.
    private func putMarksInCanonicalOrder(_ scalars: inout [Unicode.Scalar]) {
        var index = scalars.startIndex
        while index < scalars.endIndex {
            guard table.flags(of: scalars[index]).contains(.reorderable) else {
                index += 1
                continue
            }
            let runStart = index
            var isInOrder = true
            var previousClass: UInt8 = 0
            while index < scalars.endIndex, table.flags(of: scalars[index]).contains(.reorderable) {
                let markClass = table.combiningClass(of: scalars[index])
                if markClass < previousClass { isInOrder = false }
                previousClass = markClass
                index += 1
            }
            if !isInOrder {
                sortByCombiningClass(&scalars[runStart..<index])
            }
        }
    }

    /// Sorts marks by combining class, keeping marks of one class in their order.
    private func sortByCombiningClass(_ marks: inout ArraySlice<Unicode.Scalar>) {
        let run = Array(marks)
        // The offset in the key keeps the sort stable whatever algorithm `sort` uses.
        let keys = run.indices
            .map { UInt64(table.combiningClass(of: run[$0])) << 32 | UInt64($0) }
            .sorted()
        for (position, key) in zip(marks.indices, keys) {
            marks[position] = run[Int(key & 0xFFFF_FFFF)]
        }
    }
}
