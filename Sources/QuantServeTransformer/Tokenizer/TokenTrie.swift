/// A byte trie over the UTF-8 spellings of vocabulary tokens, for longest-prefix matching.
///
/// Transitions live in one open-addressing hash table keyed by (node, byte), packed with the
/// child node into a single `UInt64` per slot; each node may carry the id of the token that
/// ends there.
struct TokenTrie: Sendable {
    /// A node of the trie; `root` is the empty prefix.
    typealias Node = Int32

    /// The node of the empty prefix.
    static let root: Node = 0

    private static let noToken = UInt32.max
    private static let emptySlot: UInt64 = 0
    private static let maximumNodeCount = (1 << 24) - 1

    /// Per slot: `(node << 8 | byte) + 1` in the high 32 bits (0 when empty), the child below.
    private let slots: [UInt64]
    private let slotShift: UInt64
    private let tokenIds: [UInt32]

    /// Builds the trie of the given tokens; when a spelling repeats, the last id wins.
    init(tokens: some Sequence<(spelling: String, id: UInt32)>) throws(TokenizerError) {
        var children: [UInt32: Node] = [:]
        var tokenIds: [UInt32] = [Self.noToken]
        for (spelling, id) in tokens {
            var node = Self.root
            for byte in spelling.utf8 {
                let key = UInt32(node) << 8 | UInt32(byte)
                if let child = children[key] {
                    node = child
                } else {
                    guard tokenIds.count < Self.maximumNodeCount else {
                        throw .invalidConfiguration("the vocabulary is too large for the token trie")
                    }
                    let child = Node(tokenIds.count)
                    tokenIds.append(Self.noToken)
                    children[key] = child
                    node = child
                }
            }
            tokenIds[Int(node)] = id
        }

        var capacityBits: UInt64 = 4
        while (1 << capacityBits) < children.count * 2 { capacityBits += 1 }
        var slots = [UInt64](repeating: Self.emptySlot, count: 1 << capacityBits)
        let shift = 64 - capacityBits
        for (key, child) in children {
            var slot = Self.slotIndex(for: key, shift: shift)
            while slots[slot] != Self.emptySlot {
                slot = (slot + 1) & (slots.count - 1)
            }
            slots[slot] = UInt64(key + 1) << 32 | UInt64(UInt32(child))
        }
        self.slots = slots
        self.slotShift = shift
        self.tokenIds = tokenIds
    }

    /// The node reached from `node` by `byte`, if any token continues that way.
    @inline(__always)
    func child(of node: Node, byte: UInt8) -> Node? {
        let key = UInt32(node) << 8 | UInt32(byte)
        let tag = UInt64(key + 1)
        var slot = Self.slotIndex(for: key, shift: slotShift)
        while true {
            let entry = slots[slot]
            if entry == Self.emptySlot { return nil }
            if entry >> 32 == tag { return Node(truncatingIfNeeded: entry & 0xFFFF_FFFF) }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The node reached from `node` by all of `bytes`, if any.
    func node(following bytes: some Sequence<UInt8>, from node: Node = root) -> Node? {
        var current = node
        for byte in bytes {
            guard let next = child(of: current, byte: byte) else { return nil }
            current = next
        }
        return current
    }

    /// The id of the token whose spelling ends at `node`, if one does.
    @inline(__always)
    func tokenId(at node: Node) -> UInt32? {
        let id = tokenIds[Int(node)]
        return id == Self.noToken ? nil : id
    }

    @inline(__always)
    private static func slotIndex(for key: UInt32, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
