/// The normalizer of a SentencePiece-style tokenizer.json: a `Precompiled` charsmap, `Replace`
/// steps, or a `Sequence` of them, applied in order as Hugging Face `tokenizers` does.
struct SentencePieceNormalizer: Sendable {
    /// One step of the sequence.
    enum Step: Sendable {
        /// SentencePiece's rules, applied grapheme by grapheme.
        case precompiled(PrecompiledCharsMap)
        /// Every run of at least `minimumCount` copies of `scalar` becomes `replacement`
        /// (a `Replace` with a regex such as `" {2,}"` or `"x+"`).
        case replaceRuns(of: Unicode.Scalar, minimumCount: Int, with: [Unicode.Scalar])
        /// Every occurrence of `pattern`, leftmost first and not overlapping, becomes `replacement`.
        case replaceLiteral([Unicode.Scalar], with: [Unicode.Scalar])
    }

    /// The steps, in order; none leaves the text as it is.
    let steps: [Step]

    /// Replaces `output` with the normalized `input`; `staging` is scratch space.
    func normalize(
        _ input: ArraySlice<Unicode.Scalar>,
        into output: inout [Unicode.Scalar],
        staging: inout [Unicode.Scalar]
    ) {
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: input)
        for step in steps {
            staging.removeAll(keepingCapacity: true)
            switch step {
            case let .precompiled(map):
                Self.applyPrecompiled(map, to: output, into: &staging)
            case let .replaceRuns(scalar, minimumCount, replacement):
                Self.replaceRuns(of: scalar, minimumCount: minimumCount, with: replacement, in: output, into: &staging)
            case let .replaceLiteral(pattern, replacement):
                Self.replaceLiteral(pattern, with: replacement, in: output, into: &staging)
            }
            swap(&output, &staging)
        }
    }

    /// `tokenizers`' `Precompiled` normalizer: a grapheme cluster of fewer than 6 UTF-8 bytes
    /// with a rule for a prefix becomes that rule's replacement; otherwise each scalar of the
    /// cluster is replaced by its own rule, or kept.
    private static func applyPrecompiled(
        _ map: PrecompiledCharsMap,
        to text: [Unicode.Scalar],
        into output: inout [Unicode.Scalar]
    ) {
        var string = ""
        string.unicodeScalars.append(contentsOf: text)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(4)
        for character in string {
            if character.utf8.count < 6, let replacement = map.replacement(forPrefixOf: character.utf8) {
                output.append(contentsOf: replacement)
                continue
            }
            for scalar in character.unicodeScalars {
                encoded.removeAll(keepingCapacity: true)
                UTF8.encode(scalar) { encoded.append($0) }
                if let replacement = map.replacement(forPrefixOf: encoded) {
                    output.append(contentsOf: replacement)
                } else {
                    output.append(scalar)
                }
            }
        }
    }

    private static func replaceRuns(
        of scalar: Unicode.Scalar,
        minimumCount: Int,
        with replacement: [Unicode.Scalar],
        in text: [Unicode.Scalar],
        into output: inout [Unicode.Scalar]
    ) {
        var runLength = 0
        func endRun() {
            if runLength >= minimumCount {
                output.append(contentsOf: replacement)
            } else {
                output.append(contentsOf: repeatElement(scalar, count: runLength))
            }
            runLength = 0
        }
        for current in text {
            if current == scalar {
                runLength += 1
            } else {
                endRun()
                output.append(current)
            }
        }
        endRun()
    }

    private static func replaceLiteral(
        _ pattern: [Unicode.Scalar],
        with replacement: [Unicode.Scalar],
        in text: [Unicode.Scalar],
        into output: inout [Unicode.Scalar]
    ) {
        var position = 0
        while position < text.count {
            if position + pattern.count <= text.count,
                text[position..<(position + pattern.count)].elementsEqual(pattern)
            {
                output.append(contentsOf: replacement)
                position += pattern.count
            } else {
                output.append(text[position])
                position += 1
            }
        }
    }
}

extension SentencePieceNormalizer {
    /// The printable ASCII scalars normalization leaves alone and that a space next to them
    /// stays a lone space, as bit masks (bit `n` for scalar `n`): where `SpaceCutChunkReader`
    /// may cut. Nil when some step could reach across a space (a literal replacement, or a run
    /// of something other than spaces), so that texts must be read whole.
    func quietASCII() -> (low: UInt64, high: UInt64)? {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for step in steps {
            switch step {
            case let .precompiled(map):
                if let space = map.replacement(forPrefixOf: [UInt8(ascii: " ")]), !space.elementsEqual([" "]) {
                    return nil
                }
            case let .replaceRuns(scalar, _, _) where scalar == " ":
                continue
            case .replaceRuns, .replaceLiteral:
                return nil
            }
        }
        for value in UInt8(0x21)...UInt8(0x7E) {
            let isChanged = steps.contains { step in
                if case let .precompiled(map) = step { return map.replacement(forPrefixOf: [value]) != nil }
                return false
            }
            guard !isChanged else { continue }
            if value < 64 { low |= 1 << value } else { high |= 1 << (value - 64) }
        }
        return (low, high)
    }
}
