/// How one int8 GEMM is cut into tasks for the pool's threads, handed out one at a time: enough
/// tasks that a thread that starts late or is preempted on a shared machine leaves little
/// imbalance at the end (at least `minimumTasksPerThread` per thread, more for large GEMMs),
/// none so small that handing it out costs more than it balances (`minimumTaskOperations`).
/// With many rows the cut is by rows only (each task runs whole row tiles over every panel: a
/// core keeps the weights in its L2 and no two cores compute the same tile). With few rows
/// (a batch of one sentence) the cut is by panels, so each core reads only its share of the
/// weights; rows are cut too only when there are fewer panels than tasks. Cuts are even, in
/// whole tiles and panels: no task is a small remainder of the others.
struct GemmPlan: Sendable {
    /// Row parts (each a run of whole tiles) and panel parts; tasks are their product.
    let rowParts: Int
    let panelParts: Int
    let rows: Int
    let tileRows: Int
    let panels: Int

    /// Tasks per thread at least (when there is work enough), for dynamic load balancing.
    static let minimumTasksPerThread = 4
    /// Tasks per thread at most: beyond this the atomic hand-out costs more than it balances.
    static let maximumTasksPerThread = 16
    /// Int8 operations a task should have at least: about 1.3 µs at 400 GOPS, against well
    /// under 0.1 µs to hand it out. A batch of one sentence (M = 16) then gets 9 to 24 tasks,
    /// so a thread that joins a few µs late still ends within about a task of the other.
    static let minimumTaskOperations = 1 << 19

    /// `operationsPerRowAndPanel`: the int8 operations of one row against one panel
    /// (2 × panel width × K).
    init(rows: Int, tileRows: Int, panels: Int, threads: Int, operationsPerRowAndPanel: Int) {
        precondition(rows > 0 && tileRows > 0 && panels > 0 && threads > 0)
        let tiles = (rows + tileRows - 1) / tileRows
        let operations = rows * panels * operationsPerRowAndPanel
        let wanted =
            threads == 1
            ? 1
            : min(
                max(
                    operations / Self.minimumTaskOperations,
                    Self.minimumTasksPerThread * threads),
                Self.maximumTasksPerThread * threads)
        let enough = min(wanted, Self.minimumTasksPerThread * threads)
        if tiles >= Self.minimumTasksPerThread * threads {
            rowParts = min(tiles, wanted)
            panelParts = 1
        } else if let equal = Self.equalCut(tiles: tiles, panels: panels, wanted: wanted, least: enough) {
            (rowParts, panelParts) = equal
        } else {
            panelParts = min(panels, wanted)
            rowParts = min(tiles, max(1, wanted / panelParts))
        }
        self.rows = rows
        self.tileRows = tileRows
        self.panels = panels
    }

    /// A cut of few rows into tasks of exactly the same size (parts that divide the tiles and the
    /// panels), at least `least` and at most `wanted` of them: panels only if that gives enough
    /// (each core then reads only its share of the weights), else rows too; nil if no such cut
    /// exists. Equal tasks matter for small GEMMs (a batch of one sentence, 10–45 µs): with parts
    /// of one and two panels the last task handed out could be a long one, and the other thread
    /// idle for all of it.
    static func equalCut(tiles: Int, panels: Int, wanted: Int, least: Int) -> (rowParts: Int, panelParts: Int)? {
        let panelCuts = (1...panels).filter { panels % $0 == 0 }
        for rowCut in (1...tiles).filter({ tiles % $0 == 0 }) {
            if let panelCut = panelCuts.last(where: { rowCut * $0 <= wanted }), rowCut * panelCut >= least {
                return (rowCut, panelCut)
            }
        }
        return nil
    }

    /// Number of tasks.
    var taskCount: Int { rowParts * panelParts }

    /// The rows and panels of task `index`.
    func task(_ index: Int) -> (rows: Range<Int>, panels: Range<Int>) {
        let rowPart = index / panelParts
        let panelPart = index % panelParts
        let tiles = (rows + tileRows - 1) / tileRows
        let firstRow = min(rows, tiles * rowPart / rowParts * tileRows)
        let endRow = min(rows, tiles * (rowPart + 1) / rowParts * tileRows)
        return (firstRow..<endRow, panels * panelPart / panelParts..<panels * (panelPart + 1) / panelParts)
    }
}
