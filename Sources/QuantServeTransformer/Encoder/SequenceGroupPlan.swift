/// Whole sequences per thread: the packed batch's sequences are cut into contiguous groups of
/// about `ForwardPlan.maximumBlockRows` tokens, and each pool thread claims whole groups and
/// takes each one through every layer on its own (attention included, since attention is per
/// sequence), so the threads never wait for each other before the pass ends.
///
/// Groups are claimed largest first (by estimated cost), which keeps the threads' shares even
/// when lengths differ; `balanced(offsets:threads:)` refuses batches that cannot be shared well.
struct SequenceGroupPlan: Equatable {
    /// Contiguous ranges of sequence indices, in the order threads claim them (costliest first).
    let groups: [Range<Int>]

    /// The longest estimated share of a thread over the ideal share (total / threads) beyond
    /// which whole sequences per thread lose to the row-block pipeline (its two meetings per
    /// layer cost about 15 % at two threads; measured in benchmarks/engine/README.md).
    static let maximumImbalance = 1.12

    /// Cost of a sequence of `length` tokens in token-rows of work: every token's projections and
    /// feed-forward, plus attention growing with the length (16 % of the time at 64 tokens).
    static func cost(length: Int) -> Double {
        Double(length) * (1 + Double(length) / 336)
    }

    /// The groups of a batch with cumulative token `offsets` (as `PackedBatch.offsets`): a group
    /// is closed before a sequence that would carry it past `targetRows` tokens, so a long
    /// sequence is a group of its own.
    init(offsets: [Int], targetRows: Int) {
        var groups: [Range<Int>] = []
        var start = 0
        for sequence in 0..<(offsets.count - 1) where sequence > start {
            if offsets[sequence + 1] - offsets[start] > targetRows {
                groups.append(start..<sequence)
                start = sequence
            }
        }
        if offsets.count > 1 { groups.append(start..<(offsets.count - 1)) }
        let costs = groups.map { group in
            group.reduce(0.0) { $0 + Self.cost(length: offsets[$1 + 1] - offsets[$1]) }
        }
        self.groups = groups.indices.sorted { costs[$0] > costs[$1] || (costs[$0] == costs[$1] && $0 < $1) }
            .map { groups[$0] }
        self.costs = groups.indices.map { costs[$0] }.sorted(by: >)
    }

    /// Each group's estimated cost, in claim order.
    private let costs: [Double]

    /// The plan for `threads` threads when its groups share well among them (the estimated
    /// longest share at most `maximumImbalance` times the ideal), else nil.
    static func balanced(offsets: [Int], threads: Int) -> SequenceGroupPlan? {
        guard threads > 1, offsets.count > 2 else { return nil }
        let tokens = offsets[offsets.count - 1]
        let target = min(ForwardPlan.maximumBlockRows, max(1, tokens / threads))
        let plan = SequenceGroupPlan(offsets: offsets, targetRows: target)
        guard plan.groups.count >= threads else { return nil }
        return plan.imbalance(threads: threads) <= maximumImbalance ? plan : nil
    }

    /// The estimated longest thread share over the ideal one when `threads` threads claim the
    /// groups in order, each taking the next as soon as it is free.
    func imbalance(threads: Int) -> Double {
        var shares = [Double](repeating: 0, count: threads)
        for cost in costs {
            let least = shares.indices.min { shares[$0] < shares[$1] }!
            shares[least] += cost
        }
        let total = costs.reduce(0, +)
        return total > 0 ? shares.max()! * Double(threads) / total : 1
    }
}
