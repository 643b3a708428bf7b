/// Why a GGUF file could not be read, or a tensor in it could not be used.
/// Every message names the file, and the key or tensor concerned.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    /// The file does not start with the bytes "GGUF".
    case wrongMagic(path: String, found: [UInt8])
    /// The file is a GGUF of a version other than 3.
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ends inside the field being read (a truncated file or a lying count).
    case truncated(path: String, field: String, offset: Int, needed: Int, fileSize: Int)
    /// A count, length or size is over the reader's limit (or would not fit in memory).
    case overLimit(path: String, field: String, value: UInt64, limit: UInt64)
    /// A metadata value, key or tensor name is malformed (invalid UTF-8, unknown value type, ...).
    case malformed(path: String, field: String, reason: String)
    /// The same metadata key appears twice.
    case duplicateKey(path: String, key: String)
    /// Two tensors have the same name.
    case duplicateTensor(path: String, name: String)
    /// A tensor's ggml type is not one this reader can size and dequantize.
    case unsupportedTensorType(tensor: String, type: UInt32)
    /// A tensor's shape is invalid: too many dimensions, a zero dimension, an element count that
    /// overflows, or a row length that is not a whole number of quantization blocks.
    case invalidShape(tensor: String, dimensions: [UInt64], reason: String)
    /// A tensor's data offset is not a multiple of the file's alignment.
    case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
    /// A tensor's bytes reach past the end of the file.
    case dataOutOfBounds(tensor: String, offset: UInt64, byteCount: Int, dataSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingData(tensor: String, other: String)
    /// A tensor or metadata key the caller asked for is not in the file.
    case missing(String)
    /// A metadata value has a different type than the caller requires.
    case wrongValueType(key: String, expected: String, actual: String)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case let .wrongMagic(path, found):
            "GGUF file \(path) does not start with the magic bytes \"GGUF\" (found \(found))"
        case let .unsupportedVersion(path, version):
            "GGUF file \(path) has version \(version); only version 3 is supported"
        case let .truncated(path, field, offset, needed, fileSize):
            "GGUF file \(path) is truncated: \(field) needs \(needed) bytes at offset \(offset) but the file has \(fileSize) bytes"
        case let .overLimit(path, field, value, limit):
            "GGUF file \(path): \(field) is \(value), over the limit of \(limit)"
        case let .malformed(path, field, reason):
            "GGUF file \(path): \(field) is malformed: \(reason)"
        case let .duplicateKey(path, key):
            "GGUF file \(path): metadata key '\(key)' appears twice"
        case let .duplicateTensor(path, name):
            "GGUF file \(path): tensor name '\(name)' appears twice"
        case let .unsupportedTensorType(tensor, type):
            "tensor '\(tensor)': ggml type \(type)\(GGMLType.knownName(type).map { " (\($0))" } ?? " (unknown)") is not supported; supported types: \(GGMLType.allCases.map(\.name).joined(separator: ", "))"
        case let .invalidShape(tensor, dimensions, reason):
            "tensor '\(tensor)': shape \(dimensions) is invalid: \(reason)"
        case let .misalignedTensor(tensor, offset, alignment):
            "tensor '\(tensor)': data offset \(offset) is not a multiple of the alignment \(alignment)"
        case let .dataOutOfBounds(tensor, offset, byteCount, dataSize):
            "tensor '\(tensor)': data at offset \(offset) of \(byteCount) bytes reaches past the end of the \(dataSize)-byte data section (truncated file?)"
        case let .overlappingData(tensor, other):
            "tensor '\(tensor)': data overlaps tensor '\(other)'"
        case let .missing(name):
            "'\(name)' is not in the GGUF file"
        case let .wrongValueType(key, expected, actual):
            "metadata '\(key)' is \(actual), expected \(expected)"
        }
    }
}
