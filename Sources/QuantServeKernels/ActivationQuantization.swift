/// How one row (one token) of activations is quantized at run time: asymmetric over the row's
/// range extended to include 0, `q = clamp(roundEven(x / scale) + zeroPoint, 0, maximumLevel)`
/// with the division done as a multiplication by `inverseScale`. `maximumLevel` is 255 (u8) by
/// default, 65535 for precise activations (two u8 planes). Every kernel path quantizes with
/// exactly these operations, so all paths see the same integers.
public struct ActivationQuantization: Sendable, Equatable {
    /// The real value of one quantization step: `(max - min) / maximumLevel`.
    public let scale: Float
    /// `1 / scale`, the factor actually applied to the activations.
    public let inverseScale: Float
    /// The quantized value that represents 0.
    public let zeroPoint: Int32
    /// The largest quantized value: 255, or 65535 for precise activations.
    public let maximumLevel: Int32

    /// The parameters for a row whose smallest and largest values are given. The range is
    /// extended to include 0; a row of zeros (or a range too small or not finite) gets scale 1,
    /// zero point 0.
    public init(rowMinimum: Float, rowMaximum: Float, maximumLevel: Int32 = 255) {
        let low = min(rowMinimum, 0)
        let high = max(rowMaximum, 0)
        let levels = Float(maximumLevel)
        let scale = (high - low) / levels
        let inverse = 1 / scale
        self.maximumLevel = maximumLevel
        guard scale.isNormal, inverse.isNormal else {
            self.scale = 1
            inverseScale = 1
            zeroPoint = 0
            return
        }
        self.scale = scale
        inverseScale = inverse
        zeroPoint = Int32(min(max((-low * inverse).rounded(.toNearestOrEven), 0), levels))
    }

    /// The quantized value of `x`, in 0...maximumLevel.
    @inline(__always)
    public func quantize(_ x: Float) -> Int32 {
        let stepped = (x * inverseScale).rounded(.toNearestOrEven) + Float(zeroPoint)
        let clamped = stepped.isNaN ? 0 : min(max(stepped, 0), Float(maximumLevel))
        return Int32(clamped)
    }
}
