import Testing
@testable import Kernels

@Suite("GemmPlan")
struct GemmPlanTests {
    @Test("tasks cover every (row, panel) exactly once, with tile-aligned row blocks",
          arguments: [(1, 1, 1), (16, 24, 2), (17, 96, 2), (2048, 24, 1), (2048, 96, 2), (4096, 24, 3), (5, 1, 4)])
    func coverage(rows: Int, panels: Int, threads: Int) {
        for rowBytes in [768, 3072] {
            let plan = GemmPlan(rows: rows, rowBytes: rowBytes, tileRows: 4, panels: panels, threads: threads)
            var covered = [Int](repeating: 0, count: rows * panels)
            for task in 0..<plan.taskCount {
                let (taskRows, taskPanels) = plan.task(task)
                #expect(taskRows.lowerBound % 4 == 0)
                for row in taskRows {
                    for panel in taskPanels { covered[row * panels + panel] += 1 }
                }
            }
            #expect(covered.allSatisfy { $0 == 1 }, "rows \(rows), panels \(panels), threads \(threads)")
            if threads > 1 && rows * panels >= 4 * threads {
                #expect(plan.taskCount >= 2 * threads, "enough tasks to balance")
            }
        }
    }
}
