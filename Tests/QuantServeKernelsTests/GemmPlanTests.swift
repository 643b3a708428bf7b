import Testing

@testable import QuantServeKernels

@Suite("GemmPlan")
struct GemmPlanTests {
    @Test(
        "tasks cover every (row, panel) exactly once, with tile-aligned row starts and even sizes",
        arguments: [
            (1, 1, 1), (16, 24, 2), (17, 96, 2), (2048, 24, 1), (2048, 96, 2), (4096, 24, 3), (5, 1, 4),
            (16, 36, 2), (64, 12, 2), (33, 3, 2),
        ])
    func coverage(rows: Int, panels: Int, threads: Int) {
        let tileRows = 4
        let plan = GemmPlan(
            rows: rows, tileRows: tileRows, panels: panels, threads: threads,
            operationsPerRowAndPanel: 2 * 32 * 384)
        var covered = [Int](repeating: 0, count: rows * panels)
        var rowTiles: [Int] = []
        var panelCounts: [Int] = []
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
        if threads > 1 && tiles * panels >= GemmPlan.minimumTasksPerThread * threads {
            #expect(plan.taskCount >= GemmPlan.minimumTasksPerThread * threads, "enough tasks to balance")
        }
        #expect(plan.taskCount <= max(1, GemmPlan.maximumTasksPerThread * threads))
    }

    @Test("few rows are cut by panels only (each core reads its share of the weights); many rows by rows only")
    func cutDirection() {
        let operations = 2 * 32 * 384
        // M = 16, N = 1152: 14.2 M int8 operations (27 tasks at the size floor): 18 tasks of 2 panels.
        let small = GemmPlan(rows: 16, tileRows: 8, panels: 36, threads: 2, operationsPerRowAndPanel: operations)
        #expect(small.rowParts == 1 && small.panelParts == 18)
        // M = 16, K = 1536, N = 384: 18.9 M operations but only 12 panels: one task per panel.
        let deep = GemmPlan(rows: 16, tileRows: 8, panels: 12, threads: 2, operationsPerRowAndPanel: 2 * 32 * 1536)
        #expect(deep.rowParts == 1 && deep.panelParts == 12)
        // M = 16, N = 384: 12 panels cut in 6 would be too few tasks; both row tiles are cut too.
        let narrow = GemmPlan(rows: 16, tileRows: 8, panels: 12, threads: 2, operationsPerRowAndPanel: operations)
        #expect(narrow.rowParts == 2 && narrow.panelParts == 4)
        let large = GemmPlan(rows: 256, tileRows: 8, panels: 36, threads: 2, operationsPerRowAndPanel: operations)
        #expect(large.rowParts == 32 && large.panelParts == 1)
        let single = GemmPlan(rows: 2048, tileRows: 8, panels: 48, threads: 1, operationsPerRowAndPanel: operations)
        #expect(single.taskCount == 1 && single.task(0) == (0..<2048, 0..<48))
    }

    @Test("task count follows the GEMM's size between the per-thread minimum and maximum")
    func taskSize() {
        let operations = 2 * 32 * 384
        // M = 16, N = 384: 4.7 M operations, 9 tasks at the size floor, 8 of them equal.
        #expect(
            GemmPlan(rows: 16, tileRows: 8, panels: 12, threads: 2, operationsPerRowAndPanel: operations).taskCount == 8
        )
        // M = 8, N = 32: a tiny GEMM still gets the minimum, as far as its tiles and panels go.
        #expect(
            GemmPlan(rows: 8, tileRows: 8, panels: 1, threads: 2, operationsPerRowAndPanel: operations).taskCount == 1)
        #expect(
            GemmPlan(rows: 8, tileRows: 8, panels: 16, threads: 2, operationsPerRowAndPanel: operations).taskCount
                == 2 * GemmPlan.minimumTasksPerThread)
        // M = 2048, N = 1536: capped at the maximum.
        #expect(
            GemmPlan(rows: 2048, tileRows: 8, panels: 48, threads: 2, operationsPerRowAndPanel: operations).taskCount
                == 2 * GemmPlan.maximumTasksPerThread)
    }

    @Test(
        "a batch of one sentence (M = 16) gets tasks of one size at every MiniLM shape, 2 and 3 threads",
        arguments: [(36, 384), (12, 384), (48, 384), (12, 1536)])
    func equalTasksForFewRows(panels: Int, k: Int) {
        for threads in [2, 3] {
            let plan = GemmPlan(
                rows: 16, tileRows: 8, panels: panels, threads: threads, operationsPerRowAndPanel: 2 * 32 * k)
            let sizes = Set((0..<plan.taskCount).map { plan.task($0).rows.count * plan.task($0).panels.count })
            #expect(sizes.count == 1, "\(panels) panels, K = \(k), \(threads) threads: sizes \(sizes)")
            #expect(plan.taskCount >= GemmPlan.minimumTasksPerThread * threads)
        }
    }
}
