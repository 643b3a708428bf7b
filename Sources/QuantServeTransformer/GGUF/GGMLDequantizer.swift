/// Turns tensor bytes of a ggml type into 32-bit floats, block by block, with ggml's arithmetic
/// (fp16 scales widened to fp32, then one multiply, and for Q4_1 one add).
public enum GGMLDequantizer {
    /// The `count` elements stored in `bytes` (exactly `count / type.blockSize` blocks).
    public static func floats(of bytes: ArraySlice<UInt8>, type: GGMLType, count: Int) -> [Float] {
        precondition(
            count % type.blockSize == 0 && bytes.count == count / type.blockSize * type.blockBytes,
            "the byte count does not match \(count) elements of \(type.name)")
        return [Float](unsafeUninitializedCapacity: count) { output, initialized in
            bytes.withUnsafeBytes { raw in
                for block in 0..<(count / type.blockSize) {
                    let source = UnsafeRawBufferPointer(
                        rebasing: raw[(block * type.blockBytes)..<((block + 1) * type.blockBytes)])
                    let target = UnsafeMutableBufferPointer(
                        rebasing: output[(block * type.blockSize)..<((block + 1) * type.blockSize)])
                    decode(source, type: type, into: target)
                }
            }
            initialized = count
        }
    }

    private static func half(_ block: UnsafeRawBufferPointer, at offset: Int) -> Float {
        Float(Float16(bitPattern: UInt16(littleEndian: block.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
    }

    private static func decode(
        _ block: UnsafeRawBufferPointer, type: GGMLType, into output: UnsafeMutableBufferPointer<Float>
    ) {
        switch type {
        case .f32:
            output[0] = Float(bitPattern: UInt32(littleEndian: block.loadUnaligned(as: UInt32.self)))
        case .f16:
            output[0] = half(block, at: 0)
        case .q8_0:
            let scale = half(block, at: 0)
            for index in 0..<32 { output[index] = Float(Int8(bitPattern: block[2 + index])) * scale }
        case .q4_0:
            let scale = half(block, at: 0)
            for index in 0..<16 {
                let byte = block[2 + index]
                output[index] = scale * Float(Int(byte & 0x0F) - 8)
                output[index + 16] = scale * Float(Int(byte >> 4) - 8)
            }
        case .q4_1:
            let scale = half(block, at: 0)
            let minimum = half(block, at: 2)
            for index in 0..<16 {
                let byte = block[4 + index]
                output[index] = scale * Float(byte & 0x0F) + minimum
                output[index + 16] = scale * Float(byte >> 4) + minimum
            }
        }
    }
}
