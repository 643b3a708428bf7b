// Fuzzes the safetensors header parser over a whole file's bytes: the 8-byte length, the JSON
// header and every tensor entry against the data section. A header it accepts must describe
// tensors that fit the data, do not overlap, and have as many bytes as dtype and shape say.
//
// Input: a safetensors file.
import FuzzSupport
@testable import QuantServeTransformer

@main
enum SafetensorsHeaderFuzzer {
    static func main() {
        LibFuzzer.run(fuzzSafetensorsHeader)
    }
}

/// One fuzz input, as libFuzzer passes it.
private func fuzzSafetensorsHeader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    guard let header = try? SafetensorsFile.parseHeader(bytes, path: "fuzz.safetensors") else { return 0 }
    fuzzCheck(header.dataStart >= 8 && header.dataStart <= size, "data starts at \(header.dataStart) of \(size) bytes")
    let dataSize = size - header.dataStart
    var previousEnd = 0
    for tensor in header.tensors {
        let range = tensor.dataRange
        fuzzCheck(range.lowerBound >= 0 && range.upperBound <= dataSize, "\(tensor.name) at \(range) is outside \(dataSize) bytes")
        let byteCount = tensor.shape.reduce(tensor.dtype.byteSize) { $0 * $1 }
        fuzzCheck(byteCount == range.count, "\(tensor.name) has \(range.count) bytes for shape \(tensor.shape)")
        if !range.isEmpty {
            fuzzCheck(range.lowerBound >= previousEnd, "\(tensor.name) at \(range) overlaps the tensor before it")
            previousEnd = range.upperBound
        }
    }
    return 0
}
