private import CQuantServeKernels

/// Quantizes rows of fp32 activations into the layout a `GemmKernel` reads (u8 values stored
/// as int16 or as bytes, each row padded with zeros to whole k groups), with the operations of
/// `ActivationQuantization.quantize`, vectorized. In precise mode each token becomes two kernel
/// rows: the high and the low byte of its 16-bit quantized values. Runs in C on the AVX-512 and
/// AVX2 paths (`qs_quantize_rows_*`); the Swift SIMD code here is the portable path. All paths
/// give bit-identical integers, scales and zero points.
public enum ActivationQuantizer {
    private typealias Vector = SIMD8<Float>

    /// Quantizes `rows` of `input` (`inFeatures` floats each) into `destination`, whose rows
    /// are `paddedFeatures` values of `elementBytes` (2 or 1) bytes; writes each token's scale
    /// and zero point. `precise` quantizes to 16 bits and writes token `m` as kernel rows
    /// `2m` (high bytes) and `2m + 1` (low bytes). With a `multiplier` (one factor per input
    /// feature, the SmoothQuant smoothing), each value quantized is the float product
    /// `input[c] * multiplier[c]`.
    public static func quantize(
        _ input: UnsafePointer<Float>, inFeatures: Int, rows: Range<Int>,
        into destination: UnsafeMutableRawPointer, paddedFeatures: Int, elementBytes: Int, precise: Bool,
        scales: UnsafeMutablePointer<Float>, zeroPoints: UnsafeMutablePointer<Int32>,
        multiplier: UnsafePointer<Float>? = nil, path: FloatKernelPath = .selected
    ) {
        path.requireSupported()
        precondition(elementBytes == 1 || elementBytes == 2, "activation elements are 1 or 2 bytes")
        guard !rows.isEmpty else { return }
        let rowBytes = paddedFeatures * elementBytes
        switch path {
        case .avx512, .avx2:
            let first = rows.lowerBound
            var job = qs_quantize_job(
                input: input + first * inFeatures, input_stride: inFeatures, rows: rows.count, cols: inFeatures,
                multiplier: multiplier, output: destination + (precise ? 2 * first : first) * rowBytes,
                output_row_bytes: rowBytes, element_bytes: elementBytes, precise: precise ? 1 : 0,
                scales: scales + first, zero_points: zeroPoints + first)
            if path == .avx512 { qs_quantize_rows_avx512(&job) } else { qs_quantize_rows_avx2(&job) }
        case .portable:
            portableQuantize(
                input, inFeatures: inFeatures, rows: rows, into: destination, rowBytes: rowBytes,
                elementBytes: elementBytes, precise: precise, scales: scales, zeroPoints: zeroPoints,
                multiplier: multiplier)
        }
    }

    /// The Swift SIMD quantizer (the portable path); a multiplied row is staged in a scratch row first.
    private static func portableQuantize(
        _ input: UnsafePointer<Float>, inFeatures: Int, rows: Range<Int>,
        into destination: UnsafeMutableRawPointer, rowBytes: Int, elementBytes: Int, precise: Bool,
        scales: UnsafeMutablePointer<Float>, zeroPoints: UnsafeMutablePointer<Int32>, multiplier: UnsafePointer<Float>?
    ) {
        let staging = multiplier.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: inFeatures) }
        defer { staging?.deallocate() }
        for row in rows {
            var source = input + row * inFeatures
            if let multiplier, let staging {
                for column in 0..<inFeatures { staging[column] = source[column] * multiplier[column] }
                source = UnsafePointer(staging)
            }
            let parameters = parameters(of: source, count: inFeatures, maximumLevel: precise ? 65535 : 255)
            scales[row] = parameters.scale
            zeroPoints[row] = parameters.zeroPoint
            let first = destination + (precise ? 2 * row : row) * rowBytes
            let planes = precise ? [first, first + rowBytes] : [first]
            if elementBytes == 2 {
                quantizeRow(source, count: inFeatures, parameters, into: planes, as: Int16.self)
            } else {
                quantizeRow(source, count: inFeatures, parameters, into: planes, as: UInt8.self)
            }
            for plane in planes {
                let tail = plane + inFeatures * elementBytes
                tail.initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes - inFeatures * elementBytes)
            }
        }
    }

    /// The quantization parameters of one row, from its minimum and maximum.
    static func parameters(of row: UnsafePointer<Float>, count: Int, maximumLevel: Int32 = 255)
        -> ActivationQuantization
    {
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
        return ActivationQuantization(rowMinimum: lowest, rowMaximum: highest, maximumLevel: maximumLevel)
    }

    /// Quantizes one row into one plane (u8 values) or two (high and low bytes of 16-bit values).
    private static func quantizeRow<Element: FixedWidthInteger>(
        _ row: UnsafePointer<Float>, count: Int, _ parameters: ActivationQuantization,
        into planes: [UnsafeMutableRawPointer], as element: Element.Type
    ) {
        let raw = UnsafeRawPointer(row)
        let split = planes.count == 2
        let last = planes[planes.count - 1]
        var index = 0
        while index + Vector.scalarCount <= count {
            let values = quantized(raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self), parameters)
            if split {
                store(values &>> 8, into: planes[0], at: index, as: element)
                store(values & 0xFF, into: last, at: index, as: element)
            } else {
                store(values, into: last, at: index, as: element)
            }
            index += Vector.scalarCount
        }
        while index < count {
            let value = parameters.quantize(row[index])
            if split {
                planes[0].storeBytes(
                    of: Element(truncatingIfNeeded: value >> 8), toByteOffset: index * MemoryLayout<Element>.size,
                    as: Element.self)
            }
            let stored = Element(truncatingIfNeeded: split ? value & 0xFF : value)
            last.storeBytes(of: stored, toByteOffset: index * MemoryLayout<Element>.size, as: Element.self)
            index += 1
        }
    }

    /// Stores eight values (each below 256) as int16 or bytes at element `index`.
    @inline(__always)
    private static func store<Element: FixedWidthInteger>(
        _ values: SIMD8<UInt32>, into plane: UnsafeMutableRawPointer, at index: Int, as element: Element.Type
    ) {
        if Element.self == Int16.self {
            plane.storeBytes(
                of: SIMD8<Int16>(truncatingIfNeeded: values), toByteOffset: index * 2, as: SIMD8<Int16>.self)
        } else {
            plane.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: values), toByteOffset: index, as: SIMD8<UInt8>.self)
        }
    }

    /// `ActivationQuantization.quantize` on eight values: round to nearest even by adding and
    /// subtracting 1.5·2²³ (exact for |x| < 2²²; larger values clamp the same way), clamp (NaN
    /// to 0); the integer is then read from the mantissa of the value plus 2²³.
    @inline(__always)
    private static func quantized(_ values: Vector, _ parameters: ActivationQuantization) -> SIMD8<UInt32> {
        let roundingMagic = Vector(repeating: 12_582_912)
        let scaled = values * parameters.inverseScale
        var stepped = ((scaled + roundingMagic) - roundingMagic) + Float(parameters.zeroPoint)
        stepped.replace(with: 0, where: .!(stepped .>= 0))
        let top = Float(parameters.maximumLevel)
        stepped.replace(with: top, where: stepped .> top)
        return unsafeBitCast(stepped + Vector(repeating: 8_388_608), to: SIMD8<UInt32>.self) & 0xFFFF
    }
}
