import Testing
@testable import Kernels

@Suite("GemmPlan")
struct GemmPlanTests {
    @Test("tasks cover every (row, panel) exactly once, with tile-aligned row starts and even sizes",
          arguments: [(1, 1, 1), (16, 24, 2), (17, 96, 2), (2048, 24, 1), (2048, 96, 2), (4096, 24, 3), (5, 1, 4),
                      (16, 36, 2), (64, 12, 2), (33, 3, 2)])
    func coverage(rows: Int, panels: Int, threads: Int) {
        let tileRows = 4
        let plan = GemmPlan(rows: rows, tileRows: tileRows, panels: panels, threads: threads)
        var covered = [Int](repeating: 0, count: rows * panels)
        var rowTiles: [Int] = [], panelCounts: [Int] = []
        for task in 0..<plan.taskCount {
            let (taskRows, taskPanels) = plan.task(task)
            #expect(taskRows.lowerBound % tileRows == 0)
            #expect(!taskRows.isEmpty && !taskPanels.isEmpty, "no empty task")
            rowTiles.append((taskRows.count + tileRows - 1) / tileRows)
            panelCounts.append(taskPanels.count)
            for row in taskRows {
                for panel in taskPanels { covered[row * panels + panel] += 1 }
            }
        }
        #expect(covered.allSatisfy { $0 == 1 }, "rows \(rows), panels \(panels), threads \(threads)")
        #expect(rowTiles.max()! - rowTiles.min()! <= 1 && panelCounts.max()! - panelCounts.min()! <= 1, "even cuts")
        let tiles = (rows + tileRows - 1) / tileRows
        if threads > 1 && tiles * panels >= GemmPlan.tasksPerThread * threads {
            #expect(plan.taskCount == GemmPlan.tasksPerThread * threads, "enough tasks to balance")
        }
    }

    @Test("few rows are cut by panels only (each core reads its share of the weights); many rows by rows only")
    func cutDirection() {
        let small = GemmPlan(rows: 16, tileRows: 8, panels: 36, threads: 2)
        #expect(small.rowParts == 1 && small.panelParts == 8)
        let large = GemmPlan(rows: 256, tileRows: 8, panels: 36, threads: 2)
        #expect(large.rowParts == 8 && large.panelParts == 1)
        let single = GemmPlan(rows: 2048, tileRows: 8, panels: 48, threads: 1)
        #expect(single.taskCount == 1 && single.task(0) == (0..<2048, 0..<48))
    }
}
