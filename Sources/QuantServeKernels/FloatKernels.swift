private import CQuantServeKernels

/// fp32 kernels of a Transformer layer: softmax, layer norm, GELU, residual add and the
/// small matrix products of attention. Softmax, GELU and (add +) layer norm dispatch on a
/// `FloatKernelPath`: C for AVX-512 or AVX2 + FMA (CFloatKernels.h), or the Swift SIMD code
/// here (eight lanes, compiled for the baseline ISA: SSE2 on x86-64, NEON on aarch64), which is
/// the portable path and the twin the C variants are tested against. `ScalarReference` holds
/// the scalar twins.
///
/// The paths differ within these bounds (the Kernels tests check them): GELU by the erf
/// approximations (C: minimax rational, absolute error below 2e-6; Swift: Abramowitz–Stegun, below
/// 5e-7) times |x|/2; softmax probabilities by 1e-6; layer norm outputs by 2e-5 relative to
/// max(1, |output|).
public enum FloatKernels {
    typealias Vector = SIMD8<Float>

    /// Numerically safe softmax of one row, in place: `exp(x - max) / Σ exp(x - max)`.
    /// Huge finite logits are safe; -inf entries (masked positions) and NaN entries get 0. A
    /// row that is -inf everywhere (fully masked) becomes all zeros; a row with +inf entries
    /// shares the whole mass equally among them.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int, path: FloatKernelPath = .selected) {
        path.requireSupported()
        switch path {
        case .avx512: qs_softmax_f32_avx512(row, count)
        case .avx2: qs_softmax_f32_avx2(row, count)
        case .portable: portableSoftmax(row, count: count)
        }
    }

    /// The Swift SIMD softmax (the portable path).
    static func portableSoftmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        let highest = maximum(row, count: count)
        if highest == -.infinity {
            row.update(repeating: 0, count: count)
            return
        }
        if highest == .infinity {
            var infinities = 0
            for i in 0..<count where row[i] == .infinity { infinities += 1 }
            for i in 0..<count { row[i] = row[i] == .infinity ? 1 / Float(infinities) : 0 }
            return
        }
        let shift = Vector(repeating: highest)
        var partial = Vector(repeating: 0)
        let raw = UnsafeMutableRawPointer(row)
        var index = 0
        while index + 8 <= count {
            let e = VectorMath.expOfNonPositive(raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self) - shift)
            raw.storeBytes(of: e, toByteOffset: index * 4, as: Vector.self)
            partial += e
            index += 8
        }
        var sum = partial.sum()
        if index < count {
            var tail = Vector(repeating: -.infinity)
            for lane in 0..<(count - index) { tail[lane] = row[index + lane] }
            let e = VectorMath.expOfNonPositive(tail - shift)
            for lane in 0..<(count - index) { row[index + lane] = e[lane] }
            sum += e.sum()
        }
        scale(row, count: count, by: 1 / sum)
    }

    /// Layer normalization of each row of `x[rows × cols]`, in place: `(x - mean) / sqrt(var + eps) * gamma + beta`.
    /// Two passes (the variance from the deviations), so a large mean costs no precision.
    public static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float,
        path: FloatKernelPath = .selected
    ) {
        addLayerNorm(x, residual: nil, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: epsilon, path: path)
    }

    /// `x = LayerNorm(x + residual)` for each row of `x[rows × cols]` (rows contiguous), in
    /// place, one row at a time so the row stays in cache between the add and the
    /// normalization; no residual: a plain layer norm.
    public static func addLayerNorm(
        _ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float,
        path: FloatKernelPath = .selected
    ) {
        path.requireSupported()
        switch path {
        case .avx512: qs_add_layernorm_f32_avx512(x, residual, rows, cols, gamma, beta, epsilon)
        case .avx2: qs_add_layernorm_f32_avx2(x, residual, rows, cols, gamma, beta, epsilon)
        case .portable:
            for r in 0..<rows {
                let row = x + r * cols
                if let residual { add(row, residual + r * cols, count: cols) }
                portableLayerNorm(row, cols: cols, gamma: gamma, beta: beta, epsilon: epsilon)
            }
        }
    }

    /// The Swift SIMD layer norm of one row (the portable path).
    static func portableLayerNorm(
        _ row: UnsafeMutablePointer<Float>, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        guard cols > 0 else { return }
        let gammaRaw = UnsafeRawPointer(gamma)
        let betaRaw = UnsafeRawPointer(beta)
        let raw = UnsafeMutableRawPointer(row)
        var sums = Vector(repeating: 0)
        var index = 0
        while index + 8 <= cols {
            sums += raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            index += 8
        }
        var total = sums.sum()
        for i in index..<cols { total += row[i] }
        let mean = total / Float(cols)

        let center = Vector(repeating: mean)
        var squares = Vector(repeating: 0)
        index = 0
        while index + 8 <= cols {
            let deviation = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self) - center
            squares += deviation * deviation
            index += 8
        }
        var squareTotal = squares.sum()
        for i in index..<cols { squareTotal += (row[i] - mean) * (row[i] - mean) }
        let inverse = 1 / (squareTotal / Float(cols) + epsilon).squareRoot()

        let factor = Vector(repeating: inverse)
        index = 0
        while index + 8 <= cols {
            let deviation = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self) - center
            let g = gammaRaw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            let b = betaRaw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            raw.storeBytes(of: deviation * factor * g + b, toByteOffset: index * 4, as: Vector.self)
            index += 8
        }
        for i in index..<cols { row[i] = (row[i] - mean) * inverse * gamma[i] + beta[i] }
    }

    /// GELU in its exact erf form, as BERT uses it, in place; erf by a vectorized approximation
    /// (absolute error below 2e-6 on the C paths, below 5e-7 on the portable one, see
    /// `VectorMath.erf`).
    public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int, path: FloatKernelPath = .selected) {
        map(x, count: count, path: path, avx512: qs_gelu_f32_avx512, avx2: qs_gelu_f32_avx2, portable: VectorMath.gelu)
    }

    /// eˣ element-wise, in place (relative error within 2 ulp; 0 below -87.34, +inf above 88.38).
    public static func exp(_ x: UnsafeMutablePointer<Float>, count: Int, path: FloatKernelPath = .selected) {
        map(x, count: count, path: path, avx512: qs_exp_f32_avx512, avx2: qs_exp_f32_avx2, portable: VectorMath.exp)
    }

    /// erf element-wise, in place (absolute error below 2e-6 on the C paths, 5e-7 on the portable one).
    public static func erf(_ x: UnsafeMutablePointer<Float>, count: Int, path: FloatKernelPath = .selected) {
        map(x, count: count, path: path, avx512: qs_erf_f32_avx512, avx2: qs_erf_f32_avx2, portable: VectorMath.erf)
    }

    /// An element-wise function in place on `path`: one of its two C variants or the Swift one.
    @inline(__always)
    private static func map(
        _ x: UnsafeMutablePointer<Float>, count: Int, path: FloatKernelPath,
        avx512: (UnsafeMutablePointer<Float>?, Int) -> Void,
        avx2: (UnsafeMutablePointer<Float>?, Int) -> Void,
        portable: (Vector) -> Vector
    ) {
        path.requireSupported()
        switch path {
        case .avx512: avx512(x, count)
        case .avx2: avx2(x, count)
        case .portable: VectorMath.map(x, count: count, portable)
        }
    }

    /// `x += y`, element-wise.
    public static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        let xRaw = UnsafeMutableRawPointer(x)
        let yRaw = UnsafeRawPointer(y)
        var index = 0
        while index + 8 <= count {
            let sum =
                xRaw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
                + yRaw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            xRaw.storeBytes(of: sum, toByteOffset: index * 4, as: Vector.self)
            index += 8
        }
        for i in index..<count { x[i] += y[i] }
    }

    /// The largest of `count` floats (-inf for none).
    static func maximum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(values)
        var highest = Vector(repeating: -.infinity)
        var index = 0
        while index + 8 <= count {
            let values = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            highest.replace(with: values, where: values .> highest)
            index += 8
        }
        var result = highest.max()
        for i in index..<count where values[i] > result { result = values[i] }
        return result
    }

    /// `values *= factor`, element-wise.
    static func scale(_ values: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        let raw = UnsafeMutableRawPointer(values)
        var index = 0
        while index + 8 <= count {
            let scaled = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self) * factor
            raw.storeBytes(of: scaled, toByteOffset: index * 4, as: Vector.self)
            index += 8
        }
        for i in index..<count { values[i] *= factor }
    }
}
