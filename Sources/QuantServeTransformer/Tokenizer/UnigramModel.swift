import Foundation

/// The `Unigram` model of Hugging Face `tokenizers` (SentencePiece's unigram language model):
/// a word is cut into the vocabulary pieces whose scores (log probabilities) sum highest,
/// found by Viterbi over a byte trie of the pieces.
///
/// A character no piece starts with costs the lowest score minus 10 and becomes the unknown
/// token; consecutive unknown characters are fused into one. With `byte_fallback`, an unknown
/// stretch becomes its UTF-8 bytes as `<0xXX>` pieces when the vocabulary has all of them.
///
/// Work per word is linear: at each character the trie is walked at most as deep as the longest
/// piece (48 bytes for XLM-R).
struct UnigramModel: Sendable {
    /// Scratch space reused from word to word.
    struct Lattice {
        fileprivate var bestScore: [Double] = []
        /// Where the best path ending at each byte starts, or -1 when nothing ends there.
        fileprivate var startsAt: [Int32] = []
        fileprivate var pieceId: [UInt32] = []
        fileprivate var path: [(start: Int32, id: UInt32)] = []

        /// Empty scratch space.
        init() {}
    }

    /// The score of each piece, by id.
    let scores: [Double]
    let unknownTokenId: UInt32
    /// What an unknown character costs: the lowest score minus 10, as in `tokenizers`.
    let unknownScore: Double
    /// The ids of `<0x00>` … `<0xFF>` (nil for those missing) when `byte_fallback` is on.
    let byteFallbackIds: [UInt32?]?
    private let trie: TokenTrie

    /// Builds the model from pieces in id order; a repeated spelling keeps its last id.
    init(pieces: [(spelling: String, score: Double)], unknownTokenId: Int, byteFallback: Bool) throws(TokenizerError) {
        guard !pieces.isEmpty, pieces.count < Int(UInt32.max) else {
            throw .invalidConfiguration("the Unigram vocabulary has \(pieces.count) pieces")
        }
        guard (0..<pieces.count).contains(unknownTokenId) else {
            throw .invalidConfiguration("the Unigram unk_id \(unknownTokenId) is not a piece")
        }
        guard pieces.allSatisfy({ $0.score.isFinite }) else {
            throw .invalidConfiguration("a Unigram piece has a score that is not a finite number")
        }
        scores = pieces.map(\.score)
        self.unknownTokenId = UInt32(unknownTokenId)
        unknownScore = (scores.min() ?? 0) - 10
        trie = try TokenTrie(
            tokens: pieces.enumerated().lazy.map { (spelling: $0.element.spelling, id: UInt32($0.offset)) })
        if byteFallback {
            let trie = trie
            byteFallbackIds = (0...255).map { byte in
                trie.node(following: String(format: "<0x%02X>", byte).utf8).flatMap(trie.tokenId(at:))
            }
        } else {
            byteFallbackIds = nil
        }
    }

    /// The id of the piece spelled exactly `spelling`, if any.
    func pieceId(for spelling: some Sequence<UInt8>) -> UInt32? {
        trie.node(following: spelling).flatMap(trie.tokenId(at:))
    }

    /// Appends the pieces of one pre-tokenized word (UTF-8) to `ids`; returns the work done
    /// (trie steps plus lattice positions), which is at most a constant times the word's length.
    @discardableResult
    func appendTokens(ofWord word: ArraySlice<UInt8>, to ids: inout [UInt32], lattice: inout Lattice) -> Int {
        let count = word.count
        guard count > 0 else { return 0 }
        let base = word.startIndex
        lattice.bestScore.removeAll(keepingCapacity: true)
        lattice.bestScore.append(contentsOf: repeatElement(0, count: count + 1))
        lattice.startsAt.removeAll(keepingCapacity: true)
        lattice.startsAt.append(contentsOf: repeatElement(-1, count: count + 1))
        lattice.pieceId.removeAll(keepingCapacity: true)
        lattice.pieceId.append(contentsOf: repeatElement(0, count: count + 1))
        var work = 0

        var start = 0
        while start < count {
            let scoreHere = lattice.bestScore[start]
            let characterLength = min(Self.utf8Length(leadByte: word[base + start]), count - start)
            var coversCharacter = false
            var node = TokenTrie.root
            var end = start
            while end < count, let next = trie.child(of: node, byte: word[base + end]) {
                node = next
                end += 1
                work += 1
                guard let id = trie.tokenId(at: node) else { continue }
                let candidate = scores[Int(id)] + scoreHere
                if lattice.startsAt[end] < 0 || candidate > lattice.bestScore[end] {
                    lattice.bestScore[end] = candidate
                    lattice.startsAt[end] = Int32(start)
                    lattice.pieceId[end] = id
                }
                if end - start == characterLength { coversCharacter = true }
            }
            if !coversCharacter {
                let end = start + characterLength
                let candidate = unknownScore + scoreHere
                if lattice.startsAt[end] < 0 || candidate > lattice.bestScore[end] {
                    lattice.bestScore[end] = candidate
                    lattice.startsAt[end] = Int32(start)
                    lattice.pieceId[end] = unknownTokenId
                }
            }
            start += characterLength
            work += 1
        }

        lattice.path.removeAll(keepingCapacity: true)
        var end = count
        while end > 0 {
            let pieceStart = lattice.startsAt[end]
            lattice.path.append((pieceStart, lattice.pieceId[end]))
            end = Int(pieceStart)
            work += 1
        }
        // The path is reversed; consecutive unknown pieces are fused into one.
        var index = lattice.path.count - 1
        while index >= 0 {
            let piece = lattice.path[index]
            guard piece.id == unknownTokenId else {
                ids.append(piece.id)
                index -= 1
                continue
            }
            var last = index
            while last > 0, lattice.path[last - 1].id == unknownTokenId { last -= 1 }
            let stretchEnd = last > 0 ? Int(lattice.path[last - 1].start) : count
            appendUnknown(word[(base + Int(piece.start))..<(base + stretchEnd)], to: &ids)
            index = last - 1
        }
        return work
    }

    /// The id(s) of a stretch of unknown characters, as `tokenizers` looks them up: the piece
    /// spelled so if there is one, else its bytes with byte fallback, else the unknown token.
    private func appendUnknown(_ stretch: ArraySlice<UInt8>, to ids: inout [UInt32]) {
        if let id = pieceId(for: stretch) {
            ids.append(id)
        } else if let byteFallbackIds, stretch.allSatisfy({ byteFallbackIds[Int($0)] != nil }) {
            ids.append(contentsOf: stretch.compactMap { byteFallbackIds[Int($0)] })
        } else {
            ids.append(unknownTokenId)
        }
    }

    @inline(__always)
    private static func utf8Length(leadByte byte: UInt8) -> Int {
        switch byte {
        case 0..<0x80: 1
        case 0xF0...: 4
        case 0xE0...: 3
        default: 2
        }
    }
}
