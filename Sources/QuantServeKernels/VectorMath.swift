/// Elementary functions on eight floats with plain multiplies and adds (no fused multiply-add,
/// which the baseline x86-64 target lacks), used by the fp32 kernels.
enum VectorMath {
    typealias Vector = SIMD8<Float>

    /// Below this, `exp` underflows to a subnormal; the kernel returns 0 there.
    static let expLowerLimit: Float = -87.336_55
    /// Above this, `exp` overflows; the kernel returns +infinity there.
    static let expUpperLimit: Float = 88.376_26

    /// eˣ, within 2 ulp for inputs in [expLowerLimit, expUpperLimit]; 0 below, +inf above, NaN for NaN.
    /// Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for exactness), a
    /// degree-6 polynomial for eʳ, and 2ⁿ assembled in the exponent bits.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        var clamped = x
        clamped.replace(with: expLowerLimit, where: x .< expLowerLimit)
        clamped.replace(with: expUpperLimit, where: x .> expUpperLimit)
        var result = expInRange(clamped)
        result.replace(with: 0, where: x .< expLowerLimit)
        result.replace(with: .infinity, where: x .> expUpperLimit)
        return result
    }

    /// eˣ for x ≤ 0 (-inf included), as `exp` but cheaper: results below the limit are zeroed
    /// instead of clamping the inputs (softmax after the max shift, erf's e^(-x²)).
    @inline(__always)
    static func expOfNonPositive(_ x: Vector) -> Vector {
        var result = expInRange(x)
        result.replace(with: 0, where: .!(x .>= expLowerLimit))
        return result
    }

    /// The core of `exp`, valid for x in [expLowerLimit, expUpperLimit].
    @inline(__always)
    private static func expInRange(_ x: Vector) -> Vector {
        let roundingMagic = Vector(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + roundingMagic
        let n = shifted - roundingMagic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = r * 1.987_569_15e-4 + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 0.166_666_655
        p = p * r + 0.500_000_01
        let er = p * (r * r) + r + 1
        let exponent =
            unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(roundingMagic, to: SIMD8<Int32>.self)
        let twoToN = unsafeBitCast((exponent &+ 127) &<< 23, to: Vector.self)
        return er * twoToN
    }

    /// erf(x) by Abramowitz & Stegun 7.1.26: 1 - t·(a₁ + t·(a₂ + … a₅))·e^(-x²), t = 1/(1 + p|x|),
    /// odd-extended; absolute error 1.5e-7 in exact arithmetic, measured 4.4e-7 in float
    /// (see the Kernels tests).
    @inline(__always)
    static func erf(_ x: Vector) -> Vector {
        var magnitude = abs(x)
        magnitude.replace(with: 10, where: magnitude .> 10)
        let t = 1 / (magnitude * 0.327_591_1 + 1)
        var poly = t * 1.061_405_429 - 1.453_152_027
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        poly = poly * t
        let positive = 1 - poly * expOfNonPositive(-(magnitude * magnitude))
        var result = positive
        result.replace(with: -positive, where: x .< 0)
        return result
    }

    /// GELU, exact form: x/2 · (1 + erf(x/√2)).
    @inline(__always)
    static func gelu(_ x: Vector) -> Vector {
        let half = x * 0.5
        return half + half * erf(x * 0.707_106_781_186_547_5)
    }

    private static func abs(_ x: Vector) -> Vector {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Vector.self)
    }

    /// Applies `function` to `count` floats in place, eight at a time; the tail goes through the
    /// same vector code, padded with zeros.
    @inline(__always)
    static func map(_ values: UnsafeMutablePointer<Float>, count: Int, _ function: (Vector) -> Vector) {
        let raw = UnsafeMutableRawPointer(values)
        var index = 0
        while index + 8 <= count {
            let result = function(raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self))
            raw.storeBytes(of: result, toByteOffset: index * 4, as: Vector.self)
            index += 8
        }
        if index < count {
            var tail = Vector(repeating: 0)
            for lane in 0..<(count - index) { tail[lane] = values[index + lane] }
            let result = function(tail)
            for lane in 0..<(count - index) { values[index + lane] = result[lane] }
        }
    }
}
