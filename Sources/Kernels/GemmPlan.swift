/// How one int8 GEMM is cut into tasks for the pool: row blocks whose quantized activations
/// stay in a core's L2 cache while the weight panels stream past them, each split into chunks
/// of panels so that there are a few tasks per thread to balance.
struct GemmPlan: Sendable {
    /// Rows per row block (a multiple of the kernel's tile height, except maybe the last block).
    let rowsPerBlock: Int
    let rowBlocks: Int
    /// Panels per task and how many panel chunks each row block has.
    let panelsPerTask: Int
    let panelChunks: Int
    let rows: Int
    let panels: Int

    /// Activation bytes one row block may take (about half of a 512 KiB L2).
    static let rowBlockBytes = 192 * 1024
    /// Tasks per thread aimed at, for dynamic load balancing.
    static let tasksPerThread = 4

    init(rows: Int, rowBytes: Int, tileRows: Int, panels: Int, threads: Int) {
        let fitting = max(1, Self.rowBlockBytes / max(rowBytes, 1)) / tileRows * tileRows
        rowsPerBlock = min(rows, max(tileRows, fitting))
        rowBlocks = (rows + rowsPerBlock - 1) / rowsPerBlock
        let wantedTasks = threads > 1 ? Self.tasksPerThread * threads : 1
        let chunks = min(panels, max(1, (wantedTasks + rowBlocks - 1) / rowBlocks))
        panelsPerTask = (panels + chunks - 1) / chunks
        panelChunks = (panels + panelsPerTask - 1) / panelsPerTask
        self.rows = rows
        self.panels = panels
    }

    /// Number of tasks.
    var taskCount: Int { rowBlocks * panelChunks }

    /// The rows and panels of task `index`; consecutive tasks share a row block.
    func task(_ index: Int) -> (rows: Range<Int>, panels: Range<Int>) {
        let block = index / panelChunks, chunk = index % panelChunks
        let firstRow = block * rowsPerBlock, firstPanel = chunk * panelsPerTask
        return (firstRow..<min(rows, firstRow + rowsPerBlock), firstPanel..<min(panels, firstPanel + panelsPerTask))
    }
}
