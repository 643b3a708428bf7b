/// How one row (one token) of activations is quantized at run time: asymmetric u8 over the
/// row's range extended to include 0, `q = clamp(roundEven(x / scale) + zeroPoint, 0, 255)`
/// with the division done as a multiplication by `inverseScale`. Every kernel path quantizes
/// with exactly these operations, so all paths see the same integers.
public struct ActivationQuantization: Sendable, Equatable {
    /// The real value of one quantization step: `(max - min) / 255`.
    public let scale: Float
    /// `1 / scale`, the factor actually applied to the activations.
    public let inverseScale: Float
    /// The u8 value that represents 0.
    public let zeroPoint: Int32

    /// The parameters for a row whose smallest and largest values are given. The range is
    /// extended to include 0; a row of zeros (or a range too small or not finite) gets scale 1,
    /// zero point 0.
    public init(rowMinimum: Float, rowMaximum: Float) {
        let low = min(rowMinimum, 0)
        let high = max(rowMaximum, 0)
        let scale = (high - low) / 255
        let inverse = 1 / scale
        guard scale.isNormal, inverse.isNormal else {
            self.scale = 1
            inverseScale = 1
            zeroPoint = 0
            return
        }
        self.scale = scale
        inverseScale = inverse
        zeroPoint = Int32(min(max((-low * inverse).rounded(.toNearestOrEven), 0), 255))
    }

    /// The quantized value of `x`, in 0...255.
    @inline(__always)
    public func quantize(_ x: Float) -> Int32 {
        let stepped = (x * inverseScale).rounded(.toNearestOrEven) + Float(zeroPoint)
        let clamped = stepped.isNaN ? 0 : min(max(stepped, 0), 255)
        return Int32(clamped)
    }
}
