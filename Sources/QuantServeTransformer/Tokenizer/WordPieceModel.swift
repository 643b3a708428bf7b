/// The WordPiece model of Hugging Face `tokenizers`: greedy longest-match-first splitting of one
/// pre-tokenized word into vocabulary pieces, continuation pieces carrying a prefix (`##`).
///
/// A word longer than `maximumCharactersPerWord` scalars, or one that cannot be covered by
/// vocabulary pieces, becomes the single unknown token.
struct WordPieceModel: Sendable {
    /// Token spelling to id, exactly as in the vocabulary.
    let vocabulary: [String: UInt32]
    /// The id of the unknown token (`[UNK]`).
    let unknownTokenId: UInt32
    /// Words with more scalars than this become the unknown token (100 for BERT).
    let maximumCharactersPerWord: Int

    private let trie: TokenTrie
    /// The trie node of the continuation prefix, or nil when no token starts with it.
    private let continuationNode: TokenTrie.Node?

    /// Builds the model from a vocabulary; throws if it lacks the unknown token.
    init(
        vocabulary: [String: UInt32],
        unknownToken: String,
        continuationPrefix: String,
        maximumCharactersPerWord: Int
    ) throws(TokenizerError) {
        guard let unknownTokenId = vocabulary[unknownToken] else {
            throw .invalidConfiguration("the unknown token \(unknownToken) is not in the vocabulary")
        }
        guard !vocabulary.values.contains(.max) else {
            throw .invalidConfiguration("token id \(UInt32.max) is out of range")
        }
        self.vocabulary = vocabulary
        self.unknownTokenId = unknownTokenId
        self.maximumCharactersPerWord = maximumCharactersPerWord
        trie = try TokenTrie(tokens: vocabulary.lazy.map { (spelling: $0.key, id: $0.value) })
        continuationNode = trie.node(following: continuationPrefix.utf8)
    }

    /// Appends the pieces of one word, given as UTF-8 with its count of Unicode scalars.
    func appendTokens(
        ofWord word: ArraySlice<UInt8>,
        scalarCount: Int,
        to ids: inout [UInt32]
    ) {
        guard scalarCount <= maximumCharactersPerWord else {
            ids.append(unknownTokenId)
            return
        }
        let firstPiece = ids.count
        var start = word.startIndex
        while start < word.endIndex {
            guard let startNode = start == word.startIndex ? TokenTrie.root : continuationNode,
                let (id, end) = longestToken(in: word[start...], from: startNode)
            else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownTokenId)
                return
            }
            ids.append(id)
            start = end
        }
    }

    /// The longest vocabulary token spelling a prefix of `bytes`, walking from `node`.
    @inline(__always)
    private func longestToken(
        in bytes: ArraySlice<UInt8>,
        from node: TokenTrie.Node
    ) -> (id: UInt32, end: Int)? {
        var best: (id: UInt32, end: Int)?
        var current = node
        var index = bytes.startIndex
        while index < bytes.endIndex, let next = trie.child(of: current, byte: bytes[index]) {
            current = next
            index += 1
            if let id = trie.tokenId(at: current) {
                best = (id, index)
            }
        }
        return best
    }
}
