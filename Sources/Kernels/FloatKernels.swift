/// fp32 kernels of a Transformer layer: softmax, layer norm, GELU, residual add and the
/// small matrix products of attention. Swift SIMD (eight lanes), compiled for the baseline ISA
/// of the target (SSE2 on x86-64, NEON on aarch64); `ScalarReference` holds their scalar twins.
public enum FloatKernels {
    typealias Vector = SIMD8<Float>

    /// Numerically safe softmax of one row, in place: `exp(x - max) / Σ exp(x - max)`.
    /// Huge finite logits are safe; -inf entries (masked positions) get 0. A row that is -inf
    /// everywhere (fully masked) becomes all zeros; a row with +inf entries shares the whole
    /// mass equally among them.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
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
    public static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        guard cols > 0 else { return }
        let gammaRaw = UnsafeRawPointer(gamma), betaRaw = UnsafeRawPointer(beta)
        for r in 0..<rows {
            let row = x + r * cols
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
    }

    /// GELU in its exact erf form, as BERT uses it, in place; erf by a vectorized approximation
    /// (erf absolute error below 5e-7, see `VectorMath.erf`).
    public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.map(x, count: count, VectorMath.gelu)
    }

    /// eˣ element-wise, in place (relative error within 2 ulp; 0 below -87.34, +inf above 88.38).
    public static func exp(_ x: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.map(x, count: count, VectorMath.exp)
    }

    /// erf element-wise, in place (absolute error below 5e-7).
    public static func erf(_ x: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.map(x, count: count, VectorMath.erf)
    }

    /// `x += y`, element-wise.
    public static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        let xRaw = UnsafeMutableRawPointer(x), yRaw = UnsafeRawPointer(y)
        var index = 0
        while index + 8 <= count {
            let sum = xRaw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
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
