/// The fp32 matrix products of attention's portable path (`Attention.head` on
/// `FloatKernelPath.portable`, the twin of the fused C kernels; head dim 32, sequence lengths up
/// to a few hundred): one register-blocked micro-kernel, 4 rows × 8 columns of C in eight-lane
/// accumulators, over a B panel of 8 contiguous columns per k. B is read in place when its
/// columns are whole panels, else (and always for Bᵀ) packed per panel into a small buffer,
/// zero-padded.
extension FloatKernels {
    private static let tileRows = 4
    private static let panelWidth = 8

    /// `c[m×n] (row stride ldc) = alpha · a[m×k] (stride lda) · b[n×k]ᵀ (stride ldb)`: attention scores.
    public static func matmulTransposedB(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float
    ) {
        guard m > 0, n > 0 else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(k, 1) * panelWidth) { panel in
            let packed = panel.baseAddress!
            for column in stride(from: 0, to: n, by: panelWidth) {
                let width = min(panelWidth, n - column)
                for p in 0..<k {
                    for j in 0..<panelWidth {
                        packed[p * panelWidth + j] = j < width ? b[(column + j) * ldb + p] : 0
                    }
                }
                panelProduct(
                    a, lda: lda, packed, ldb: panelWidth, c + column, ldc: ldc,
                    m: m, width: width, k: k, alpha: alpha)
            }
        }
    }

    /// `c[m×n] (stride ldc) = a[m×k] (stride lda) · b[k×n] (stride ldb)`: attention context.
    public static func matmul(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int
    ) {
        guard m > 0, n > 0 else { return }
        let whole = n / panelWidth * panelWidth
        for column in stride(from: 0, to: whole, by: panelWidth) {
            panelProduct(
                a, lda: lda, b + column, ldb: ldb, c + column, ldc: ldc,
                m: m, width: panelWidth, k: k, alpha: 1)
        }
        guard whole < n else { return }
        let width = n - whole
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(k, 1) * panelWidth) { panel in
            let packed = panel.baseAddress!
            for p in 0..<k {
                for j in 0..<panelWidth { packed[p * panelWidth + j] = j < width ? b[p * ldb + whole + j] : 0 }
            }
            panelProduct(
                a, lda: lda, packed, ldb: panelWidth, c + whole, ldc: ldc,
                m: m, width: width, k: k, alpha: 1)
        }
    }

    /// `c[m × width] = alpha · a[m×k] · panel[k × 8]` (the panel's row p at `panel + p·ldb`;
    /// only the first `width` columns are stored).
    private static func panelProduct(
        _ a: UnsafePointer<Float>, lda: Int, _ panel: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int,
        m: Int, width: Int, k: Int, alpha: Float
    ) {
        let panelRaw = UnsafeRawPointer(panel)
        var row = 0
        while row < m {
            let rows = min(tileRows, m - row)
            let a0 = a + row * lda
            let a1 = a + (row + min(1, rows - 1)) * lda
            let a2 = a + (row + min(2, rows - 1)) * lda
            let a3 = a + (row + min(3, rows - 1)) * lda
            var c0 = Vector(repeating: 0)
            var c1 = Vector(repeating: 0)
            var c2 = Vector(repeating: 0)
            var c3 = Vector(repeating: 0)
            for p in 0..<k {
                let bv = panelRaw.loadUnaligned(fromByteOffset: p * ldb * 4, as: Vector.self)
                c0 += Vector(repeating: a0[p]) * bv
                c1 += Vector(repeating: a1[p]) * bv
                c2 += Vector(repeating: a2[p]) * bv
                c3 += Vector(repeating: a3[p]) * bv
            }
            for r in 0..<rows {
                let accumulator = r == 0 ? c0 : r == 1 ? c1 : r == 2 ? c2 : c3
                let scaled = accumulator * alpha
                let out = c + (row + r) * ldc
                if width == panelWidth {
                    UnsafeMutableRawPointer(out).storeBytes(of: scaled, as: Vector.self)
                } else {
                    for j in 0..<width { out[j] = scaled[j] }
                }
            }
            row += rows
        }
    }
}
