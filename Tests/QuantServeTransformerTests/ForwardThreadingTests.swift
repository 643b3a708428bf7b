import QuantServeKernels
import Testing

@testable import QuantServeTransformer

@Suite("Threading strategies of a forward pass")
struct ForwardThreadingTests {
    /// Offsets of sequences of the given lengths.
    private func offsets(_ lengths: [Int]) -> [Int] {
        lengths.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1) }
    }

    @Test func groupsCoverEverySequenceOnceWithinTheTarget() {
        let lengths = [5, 40, 1, 256, 17, 90, 2, 31, 64, 64, 3]
        let plan = SequenceGroupPlan(offsets: offsets(lengths), targetRows: 64)
        let covered = plan.groups.sorted { $0.lowerBound < $1.lowerBound }
        var next = 0
        for group in covered {
            #expect(group.lowerBound == next && !group.isEmpty)
            next = group.upperBound
            let tokens = group.reduce(0) { $0 + lengths[$1] }
            #expect(group.count == 1 || tokens <= 64, "group \(group) holds \(tokens) tokens")
        }
        #expect(next == lengths.count)
        #expect(covered.contains(3..<4), "the 256-token sequence is a group of its own")
        #expect(plan.groups.first == 3..<4, "the costliest group is claimed first")
    }

    @Test func evenBatchesGoWholeSequencesPerThread() {
        for (batch, length) in [(8, 16), (8, 64), (8, 128), (32, 16), (32, 64), (32, 128), (2, 16)] {
            let plan = SequenceGroupPlan.balanced(offsets: offsets(Array(repeating: length, count: batch)), threads: 2)
            #expect(plan != nil, "batch \(batch) × \(length)")
            if let plan { #expect(abs(plan.imbalance(threads: 2) - 1) < 1e-9, "batch \(batch) × \(length)") }
        }
    }

    @Test func unevenOrSingleSequenceBatchesKeepTheRowPlans() {
        #expect(SequenceGroupPlan.balanced(offsets: offsets([128]), threads: 2) == nil)
        #expect(SequenceGroupPlan.balanced(offsets: offsets([256, 16]), threads: 2) == nil)
        #expect(SequenceGroupPlan.balanced(offsets: offsets([64, 64, 64]), threads: 2) == nil)
        #expect(SequenceGroupPlan.balanced(offsets: offsets([64, 64]), threads: 1) == nil)
    }

    @Test(arguments: [false, true])
    func everyStrategyGivesTheSameBits(fullPrecision: Bool) throws {
        let folder = try TinyModelFolder(
            options: QuantizationOptions(floatLayers: fullPrecision ? Set(LinearRole.allCases) : []))
        for threads in [1, 2, 3] {
            let encoder = try BertEncoder(modelDirectory: folder.model, pool: ComputePool(threads: threads))
            let sequences = TinyBert.sequences(
                lengths: [5, 40, 1, 256, 17, 90, 2, 31, 64, 64],
                vocabularySize: folder.tiny.vocabularySize, seed: 21)
            let alone = try sequences.map { try encoder.embedRows(PackedBatch([$0]), threading: .rowBlocks) }
            for threading in ForwardThreading.allCases {
                let together = try encoder.embedRows(PackedBatch(sequences), threading: threading)
                for (index, expected) in alone.enumerated() {
                    let got = Array(together[index * encoder.dimensions..<(index + 1) * encoder.dimensions])
                    #expect(got == expected, "\(threads) threads, \(threading): sequence \(index) changed")
                }
                let single = try encoder.embedRows(PackedBatch([sequences[3]]), threading: threading)
                #expect(single == alone[3], "\(threads) threads, \(threading): one sequence alone")
            }
        }
    }
}
