/// The byte-pair merges of a GPT-2 style vocabulary, applied to one pre-token at a time: the
/// adjacent pair of lowest merge rank is merged first (the leftmost of equal ranks), as in
/// Hugging Face `tokenizers`. A min-heap of candidate pairs makes a word of n bytes cost
/// O(n log n), with at most 6n heap operations (counted in `BPEWorkCounter`).
struct BytePairEncoder: Sendable {
    /// The token of each byte; a byte without one is dropped.
    let tokenOfByte: [UInt32?]
    /// For a pair of tokens (left << 32 | right): its merge rank and the merged token.
    let merges: [UInt64: (rank: UInt32, merged: UInt32)]

    private struct Candidate: Comparable {
        var rank: UInt32
        var left: Int32
        var leftToken: UInt32
        var rightToken: UInt32

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.rank, lhs.left) < (rhs.rank, rhs.left) }
    }

    /// Appends the tokens of `bytes` (one pre-token) to `output`.
    func encode(_ bytes: [UInt8], into output: inout [UInt32], counter: inout BPEWorkCounter) {
        var tokens = bytes.compactMap { tokenOfByte[Int($0)] }
        guard tokens.count > 1 else {
            output += tokens
            return
        }
        // A doubly linked list over the symbols; a merged-away symbol gets `alive` false.
        var next = (0..<tokens.count).map { Int32($0 + 1) }
        var previous = (0..<tokens.count).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: tokens.count)
        var heap = MinHeap<Candidate>()
        func consider(_ left: Int32) {
            let right = next[Int(left)]
            guard right < tokens.count else { return }
            let pair = UInt64(tokens[Int(left)]) << 32 | UInt64(tokens[Int(right)])
            guard let merge = merges[pair] else { return }
            heap.push(
                Candidate(rank: merge.rank, left: left, leftToken: tokens[Int(left)], rightToken: tokens[Int(right)]))
            counter.heapOperations += 1
        }
        for index in 0..<(tokens.count - 1) { consider(Int32(index)) }
        while let candidate = heap.pop() {
            counter.heapOperations += 1
            let left = Int(candidate.left)
            let right = Int(next[left])
            // Skip a stale candidate: a side was merged since it was pushed.
            guard alive[left], right < tokens.count, tokens[left] == candidate.leftToken,
                tokens[right] == candidate.rightToken
            else { continue }
            tokens[left] = merges[UInt64(candidate.leftToken) << 32 | UInt64(candidate.rightToken)]!.merged
            alive[right] = false
            next[left] = next[right]
            if next[left] < tokens.count { previous[Int(next[left])] = Int32(left) }
            if previous[left] >= 0 { consider(previous[left]) }
            consider(Int32(left))
        }
        var index = 0
        while index < tokens.count {
            output.append(tokens[index])
            index = Int(next[index])
        }
    }
}

/// Counts the work of byte-pair encoding, so that a test can bound it without a clock.
public struct BPEWorkCounter: Sendable {
    /// Pushes and pops of the merge heap.
    public var heapOperations = 0
    /// Scalars of text pre-tokenized.
    public var scalars = 0

    /// A counter at zero.
    public init() {}
}

/// A binary min-heap.
struct MinHeap<Element: Comparable> {
    private var storage: [Element] = []

    mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let top = storage.first else { return nil }
        let last = storage.removeLast()
        guard !storage.isEmpty else { return top }
        storage[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < storage.count else { break }
            let right = left + 1
            let smaller = right < storage.count && storage[right] < storage[left] ? right : left
            guard storage[smaller] < storage[parent] else { break }
            storage.swapAt(smaller, parent)
            parent = smaller
        }
        return top
    }
}
