import Foundation

/// Unicode character properties as Hugging Face `tokenizers` sees them in its BERT normalizer
/// and pre-tokenizer.
///
/// `tokenizers` takes general categories from Unicode 8.0 tables (the `unicode_categories`
/// crate) and canonical decompositions and combining classes from Unicode 9.0 tables
/// (`unicode-normalization-alignments`). A character assigned later is, to it, unassigned: never
/// removed as a control character, never punctuation, never an accent, never decomposed or
/// reordered. Whitespace and lowercasing follow current Unicode. This table rebuilds that view
/// from the standard library's current data, using `Unicode.Scalar.Properties.age` to hide
/// newer characters, and Foundation for the canonical decompositions.
///
/// Flags of the first two planes are computed once per process (about 130,000 entries); scalars
/// above them (CJK extensions, private use) are classified on the fly.
struct BertUnicodeTable: Sendable {
    /// What the normalizer and pre-tokenizer need to know about one scalar.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8

        /// Dropped by `clean_text`: U+0000, U+FFFD and categories Cc, Cf, Co, Cs (but not tab, LF, CR).
        static let removedByCleaning = Flags(rawValue: 1 << 0)
        /// White_Space, plus tab, LF and CR.
        static let whitespace = Flags(rawValue: 1 << 1)
        /// ASCII punctuation (33–47, 58–64, 91–96, 123–126) or a P* category.
        static let punctuation = Flags(rawValue: 1 << 2)
        /// A CJK ideograph in one of the ranges BERT surrounds with spaces.
        static let chineseIdeograph = Flags(rawValue: 1 << 3)
        /// Category Mn, dropped when stripping accents.
        static let nonspacingMark = Flags(rawValue: 1 << 4)
        /// Has a canonical decomposition (including Hangul syllables).
        static let decomposes = Flags(rawValue: 1 << 5)
        /// Has a non-zero canonical combining class, so NFD may reorder it.
        static let reorderable = Flags(rawValue: 1 << 6)
        /// May change when lowercased.
        static let changesWhenLowercased = Flags(rawValue: 1 << 7)
    }

    /// The table shared by all tokenizers of the process.
    static let shared = BertUnicodeTable()

    /// The newest Unicode version of the general categories `tokenizers` uses.
    private static let categoryVersion: Unicode.Version = (major: 8, minor: 0)
    /// The newest Unicode version of the decompositions and combining classes `tokenizers` uses.
    private static let normalizationVersion: Unicode.Version = (major: 9, minor: 0)
    /// Scalars below this value are classified from `tabulatedFlags`.
    private static let tabulatedLimit: UInt32 = 0x2_0000

    private static let hangulSyllables: ClosedRange<UInt32> = 0xAC00...0xD7A3
    private static let hangulLeadingBase: UInt32 = 0x1100
    private static let hangulVowelBase: UInt32 = 0x1161
    private static let hangulTrailingBase: UInt32 = 0x11A7
    private static let hangulVowelCount: UInt32 = 21
    private static let hangulTrailingCount: UInt32 = 28

    private let tabulatedFlags: [Flags]
    /// Where each decomposable scalar's full canonical decomposition sits in `decompositionScalars`.
    private let decompositionRanges: [UInt32: Range<Int>]
    private let decompositionScalars: [Unicode.Scalar]

    private init() {
        var flags = [Flags](repeating: [], count: Int(Self.tabulatedLimit))
        var candidates: [Unicode.Scalar] = []
        for value in 0..<Self.tabulatedLimit {
            guard let scalar = Unicode.Scalar(value) else { continue }
            flags[Int(value)] = Self.classify(scalar)
            if Self.mayHaveTabulatedDecomposition(scalar) {
                candidates.append(scalar)
            }
        }
        candidates += Self.scalarsAboveTable().filter(Self.mayHaveTabulatedDecomposition)

        var ranges: [UInt32: Range<Int>] = [:]
        var storage: [Unicode.Scalar] = []
        for (scalar, decomposition) in Self.canonicalDecompositions(of: candidates) {
            ranges[scalar.value] = storage.count..<(storage.count + decomposition.count)
            storage += decomposition
            if scalar.value < Self.tabulatedLimit {
                flags[Int(scalar.value)].insert(.decomposes)
            }
        }
        tabulatedFlags = flags
        decompositionRanges = ranges
        decompositionScalars = storage
    }

    /// The flags of a scalar.
    @inline(__always)
    func flags(of scalar: Unicode.Scalar) -> Flags {
        if scalar.value < Self.tabulatedLimit {
            return tabulatedFlags[Int(scalar.value)]
        }
        var flags = Self.classify(scalar)
        if decompositionRanges[scalar.value] != nil {
            flags.insert(.decomposes)
        }
        return flags
    }

    /// The canonical combining class `tokenizers` gives a scalar (0 for scalars newer than its tables).
    func combiningClass(of scalar: Unicode.Scalar) -> UInt8 {
        guard flags(of: scalar).contains(.reorderable) else { return 0 }
        return scalar.properties.canonicalCombiningClass.rawValue
    }

    /// Appends the full canonical decomposition of a scalar flagged `.decomposes`.
    func appendDecomposition(of scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if Self.hangulSyllables.contains(scalar.value) {
            let index = scalar.value - Self.hangulSyllables.lowerBound
            let trailingIndex = index % Self.hangulTrailingCount
            let leadingIndex = index / (Self.hangulVowelCount * Self.hangulTrailingCount)
            let vowelIndex = (index % (Self.hangulVowelCount * Self.hangulTrailingCount)) / Self.hangulTrailingCount
            output.append(Unicode.Scalar(Self.hangulLeadingBase + leadingIndex)!)
            output.append(Unicode.Scalar(Self.hangulVowelBase + vowelIndex)!)
            if trailingIndex != 0 {
                output.append(Unicode.Scalar(Self.hangulTrailingBase + trailingIndex)!)
            }
        } else if let range = decompositionRanges[scalar.value] {
            output += decompositionScalars[range]
        } else {
            output.append(scalar)
        }
    }

    /// Whether `\w` of the Rust `regex` crate matches the scalar (used by `single_word` tokens).
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
            return true
        default:
            return false
        }
    }

    // MARK: - Building

    private static func classify(_ scalar: Unicode.Scalar) -> Flags {
        let value = scalar.value
        let properties = scalar.properties
        // Quick answers for most of the code space (planes 4-13 are unassigned, 15-16 private).
        switch properties.generalCategory {
        case .unassigned:
            return isChineseIdeograph(value) ? .chineseIdeograph : []
        case .privateUse:
            return .removedByCleaning
        default:
            break
        }
        let age = properties.age
        let category = huggingFaceCategory(of: scalar, age: age)
        let isTabOrLineBreak = value == 0x09 || value == 0x0A || value == 0x0D
        var flags: Flags = []
        if value == 0 || value == 0xFFFD || (!isTabOrLineBreak && isOther(category)) {
            flags.insert(.removedByCleaning)
        }
        if isTabOrLineBreak || properties.isWhitespace {
            flags.insert(.whitespace)
        }
        if isASCIIPunctuation(value) || isPunctuation(category) {
            flags.insert(.punctuation)
        }
        if isChineseIdeograph(value) {
            flags.insert(.chineseIdeograph)
        }
        if category == .nonspacingMark {
            flags.insert(.nonspacingMark)
        }
        if isKnown(age, upTo: normalizationVersion), properties.canonicalCombiningClass.rawValue != 0 {
            flags.insert(.reorderable)
        }
        if hangulSyllables.contains(value) {
            flags.insert(.decomposes)
        }
        if properties.changesWhenLowercased {
            flags.insert(.changesWhenLowercased)
        }
        return flags
    }

    /// The general category in the Unicode 8.0 tables of `tokenizers`.
    private static func huggingFaceCategory(of scalar: Unicode.Scalar, age: Unicode.Version?) -> Unicode.GeneralCategory
    {
        switch scalar.value {
        // Categories that changed after Unicode 8.0.
        case 0x166D, 0x111C9: return .otherPunctuation
        case 0x1734, 0x1171E: return .nonspacingMark
        case 0x1885, 0x1886: return .otherLetter
        case 0xA9BD: return .spacingMark
        default:
            return isKnown(age, upTo: categoryVersion) ? scalar.properties.generalCategory : .unassigned
        }
    }

    /// Whether a scalar assigned in Unicode `age` (nil: unassigned) exists in tables of `version`.
    private static func isKnown(_ age: Unicode.Version?, upTo version: Unicode.Version) -> Bool {
        guard let age else { return false }
        return (age.major, age.minor) <= (version.major, version.minor)
    }

    private static func isASCIIPunctuation(_ value: UInt32) -> Bool {
        (33...47).contains(value) || (58...64).contains(value)
            || (91...96).contains(value) || (123...126).contains(value)
    }

    /// Categories Cc, Cf, Co and Cs (the `is_other` of `tokenizers`, whose Cn table is empty).
    private static func isOther(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .control, .format, .privateUse, .surrogate:
            return true
        default:
            return false
        }
    }

    private static func isPunctuation(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The code point ranges BERT treats as Chinese characters.
    private static func isChineseIdeograph(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x2_0000...0x2_A6DF, 0x2_A700...0x2_B73F,
            0x2_B740...0x2_B81F, 0x2_B920...0x2_CEAF, 0xF900...0xFAFF, 0x2_F800...0x2_FA1F:
            return true
        default:
            return false
        }
    }

    /// Whether the scalar may have a canonical decomposition that `tokenizers` knows and that is
    /// not computed arithmetically (Hangul). CJK unified ideographs never decompose.
    private static func mayHaveTabulatedDecomposition(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        guard value >= 0xC0, !hangulSyllables.contains(value),
            isKnown(scalar.properties.age, upTo: normalizationVersion)
        else {
            return false
        }
        let isCompatibilityIdeograph = (0xF900...0xFAFF).contains(value) || (0x2_F800...0x2_FA1F).contains(value)
        return isCompatibilityIdeograph || !isChineseIdeograph(value)
    }

    /// The scalars above the tabulated planes that may decompose: in Unicode 9.0 only the CJK
    /// compatibility ideographs supplement (the rest is CJK unified ideographs, tags, variation
    /// selectors and private use).
    private static func scalarsAboveTable() -> [Unicode.Scalar] {
        (0x2_F800...0x2_FA1F).compactMap(Unicode.Scalar.init)
    }

    /// The full canonical decompositions of those scalars that have one, computed by a single
    /// Foundation NFD pass over all of them with U+0001 (a starter that never decomposes) in between.
    private static func canonicalDecompositions(
        of scalars: [Unicode.Scalar]
    ) -> [(Unicode.Scalar, [Unicode.Scalar])] {
        let separator: Unicode.Scalar = "\u{1}"
        var joined = String.UnicodeScalarView()
        for scalar in scalars {
            joined.append(separator)
            joined.append(scalar)
        }
        var result: [(Unicode.Scalar, [Unicode.Scalar])] = []
        var index = -1
        var current: [Unicode.Scalar] = []
        func finish() {
            guard index >= 0 else { return }
            if current != [scalars[index]] {
                result.append((scalars[index], current))
            }
        }
        for scalar in String(joined).decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar == separator {
                finish()
                index += 1
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(scalar)
            }
        }
        finish()
        return result
    }
}
