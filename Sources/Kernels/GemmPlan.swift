/// How one int8 GEMM is cut into tasks for the pool's threads: a few even tasks per thread, so
/// a thread that starts late or is preempted on a shared machine hands its share to the others.
/// With many rows the cut is by rows only (each task runs whole rows over every panel: a core
/// keeps the weights it needs in its L2 and no two cores compute the same row tile). With few
/// rows (a batch of one sentence) the cut is by panels, so each core reads only its share of
/// the weights; rows are cut too only when there are fewer panels than tasks. Cuts are even,
/// in whole tiles and panels: no task is a small remainder of the others.
struct GemmPlan: Sendable {
    /// Row parts (each a run of whole tiles) and panel parts; tasks are their product.
    let rowParts: Int
    let panelParts: Int
    let rows: Int
    let tileRows: Int
    let panels: Int

    /// Tasks per thread aimed at, for dynamic load balancing.
    static let tasksPerThread = 4

    init(rows: Int, tileRows: Int, panels: Int, threads: Int) {
        precondition(rows > 0 && tileRows > 0 && panels > 0 && threads > 0)
        let tiles = (rows + tileRows - 1) / tileRows
        let wanted = threads > 1 ? Self.tasksPerThread * threads : 1
        if tiles >= wanted {
            rowParts = wanted
            panelParts = 1
        } else {
            panelParts = min(panels, wanted)
            rowParts = min(tiles, max(1, wanted / panelParts))
        }
        self.rows = rows
        self.tileRows = tileRows
        self.panels = panels
    }

    /// Number of tasks.
    var taskCount: Int { rowParts * panelParts }

    /// The rows and panels of task `index`.
    func task(_ index: Int) -> (rows: Range<Int>, panels: Range<Int>) {
        let rowPart = index / panelParts, panelPart = index % panelParts
        let tiles = (rows + tileRows - 1) / tileRows
        let firstRow = min(rows, tiles * rowPart / rowParts * tileRows)
        let endRow = min(rows, tiles * (rowPart + 1) / rowParts * tileRows)
        return (firstRow..<endRow, panels * panelPart / panelParts..<panels * (panelPart + 1) / panelParts)
    }
}
