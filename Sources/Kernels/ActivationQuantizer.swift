/// Quantizes rows of fp32 activations into the layout a `GemmKernel` reads (u8 values stored
/// as int16 or as bytes, each row padded with zeros to whole k groups), with the operations of
/// `ActivationQuantization.quantize`, vectorized.
enum ActivationQuantizer {
    private typealias Vector = SIMD8<Float>

    /// Quantizes `rows` of `input` (`inFeatures` floats each) into `destination`, whose rows
    /// are `paddedFeatures` values of `elementBytes` (2 or 1) bytes; writes each row's scale and zero point.
    static func quantize(
        _ input: UnsafePointer<Float>, inFeatures: Int, rows: Range<Int>,
        into destination: UnsafeMutableRawPointer, paddedFeatures: Int, elementBytes: Int,
        scales: UnsafeMutablePointer<Float>, zeroPoints: UnsafeMutablePointer<Int32>
    ) {
        for row in rows {
            let source = input + row * inFeatures
            let parameters = parameters(of: source, count: inFeatures)
            scales[row] = parameters.scale
            zeroPoints[row] = parameters.zeroPoint
            let target = destination + row * paddedFeatures * elementBytes
            if elementBytes == 2 {
                quantizeRow(source, count: inFeatures, parameters, into: target, as: Int16.self)
            } else {
                quantizeRow(source, count: inFeatures, parameters, into: target, as: UInt8.self)
            }
            let tail = target + inFeatures * elementBytes
            tail.initializeMemory(as: UInt8.self, repeating: 0, count: (paddedFeatures - inFeatures) * elementBytes)
        }
    }

    /// The quantization parameters of one row, from its minimum and maximum.
    static func parameters(of row: UnsafePointer<Float>, count: Int) -> ActivationQuantization {
        let raw = UnsafeRawPointer(row)
        var low = Vector(repeating: 0)
        var high = Vector(repeating: 0)
        var index = 0
        while index + Vector.scalarCount <= count {
            let values = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            low.replace(with: values, where: values .< low)
            high.replace(with: values, where: values .> high)
            index += Vector.scalarCount
        }
        var lowest = low.min()
        var highest = high.max()
        while index < count {
            lowest = min(lowest, row[index])
            highest = max(highest, row[index])
            index += 1
        }
        return ActivationQuantization(rowMinimum: lowest, rowMaximum: highest)
    }

    /// Quantizes one row; the integer comes out of the float's mantissa after adding 2²³.
    private static func quantizeRow<Element: FixedWidthInteger>(
        _ row: UnsafePointer<Float>, count: Int, _ parameters: ActivationQuantization,
        into target: UnsafeMutableRawPointer, as element: Element.Type
    ) {
        let raw = UnsafeRawPointer(row)
        var index = 0
        while index + Vector.scalarCount <= count {
            let values = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            let bits = quantized(values, parameters)
            if Element.self == Int16.self {
                target.storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: bits), toByteOffset: index * 2, as: SIMD8<Int16>.self)
            } else {
                target.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: bits), toByteOffset: index, as: SIMD8<UInt8>.self)
            }
            index += Vector.scalarCount
        }
        while index < count {
            let value = Element(truncatingIfNeeded: parameters.quantize(row[index]))
            target.storeBytes(of: value, toByteOffset: index * MemoryLayout<Element>.size, as: Element.self)
            index += 1
        }
    }

    /// `ActivationQuantization.quantize` on eight values: round to nearest even by adding and
    /// subtracting 1.5·2²³ (exact for |x| < 2²²; larger values clamp the same way), clamp (NaN to 0).
    @inline(__always)
    private static func quantized(_ values: Vector, _ parameters: ActivationQuantization) -> SIMD8<UInt32> {
        let roundingMagic = Vector(repeating: 12_582_912)
        let scaled = values * parameters.inverseScale
        var stepped = ((scaled + roundingMagic) - roundingMagic) + Float(parameters.zeroPoint)
        stepped.replace(with: 0, where: .!(stepped .>= 0))
        stepped.replace(with: 255, where: stepped .> 255)
        return unsafeBitCast(stepped + Vector(repeating: 8_388_608), to: SIMD8<UInt32>.self) & 0xFF
    }
}
