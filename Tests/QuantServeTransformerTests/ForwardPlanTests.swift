import Testing

@testable import QuantServeTransformer

@Suite("How a forward pass spreads over threads")
struct ForwardPlanTests {
    @Test(arguments: [1, 2, 3, 4])
    func blocksCoverEveryTokenOnce(threads: Int) {
        for tokens in [1, 7, 16, 63, 64, 65, 127, 128, 129, 512, 2048, 2049] {
            let plan = ForwardPlan(tokens: tokens, threads: threads)
            var covered = 0
            for block in 0..<plan.blockCount {
                let rows = plan.rows(ofBlock: block, tokens: tokens)
                #expect(rows.lowerBound == covered, "tokens \(tokens): block \(block) starts at \(rows.lowerBound)")
                #expect(!rows.isEmpty)
                covered = rows.upperBound
            }
            #expect(covered == tokens)
            #expect(plan.rowsPerBlock <= max(tokens, ForwardPlan.maximumBlockRows))
            if plan.blockCount > 1 { #expect(plan.rowsPerBlock % 8 == 0) }
        }
    }

    @Test func oneThreadAlwaysWorksInBlocksThatFitTheCache() {
        #expect(ForwardPlan(tokens: 16, threads: 1).pipelined)
        let large = ForwardPlan(tokens: 2048, threads: 1)
        #expect(large.pipelined && large.rowsPerBlock == 64 && large.blockCount == 32)
    }

    @Test func smallBatchesSplitEachOperationAcrossThreads() {
        let plan = ForwardPlan(tokens: 16, threads: 2)
        #expect(!plan.pipelined && plan.blockCount == 1 && plan.rowsPerBlock == 16)
    }

    @Test func largeBatchesGiveEveryThreadTheSameNumberOfBlocks() {
        for tokens in [64, 128, 512, 2048] {
            let plan = ForwardPlan(tokens: tokens, threads: 2)
            #expect(plan.pipelined)
            #expect(plan.blockCount % 2 == 0, "tokens \(tokens): \(plan.blockCount) blocks")
        }
    }
}
