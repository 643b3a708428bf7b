/// Why a safetensors file could not be read, or a tensor in it could not be used.
/// Every case that concerns one tensor names it.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// The file is shorter than the 8-byte header length prefix plus the header it announces.
    case truncatedHeader(path: String, fileSize: Int, headerLength: UInt64)
    /// The announced header length exceeds the reader's limit.
    case headerTooLarge(path: String, headerLength: UInt64, limit: Int)
    /// The header is not a JSON object of tensor entries.
    case malformedHeader(path: String, reason: String)
    /// One tensor's entry is malformed (missing fields, negative or non-integer numbers).
    case malformedEntry(tensor: String, reason: String)
    /// One tensor's dtype is not a known safetensors dtype.
    case unknownDType(tensor: String, dtype: String)
    /// The shape's element count times the dtype size overflows.
    case sizeOverflow(tensor: String, shape: [Int])
    /// The byte span given by `data_offsets` does not match shape × dtype size.
    case sizeMismatch(tensor: String, expectedBytes: Int, actualBytes: Int)
    /// The tensor's bytes reach past the end of the file (a truncated or lying file).
    case dataOutOfBounds(tensor: String, end: Int, dataSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingData(tensor: String, other: String)
    /// A tensor the caller asked for is not in the file.
    case missingTensor(String)
    /// A tensor has a different dtype than the caller requires.
    case wrongDType(tensor: String, expected: [TensorDType], actual: TensorDType)
    /// A tensor has a different shape than the caller requires.
    case wrongShape(tensor: String, expected: [Int], actual: [Int])
    /// The writer was given a tensor whose byte count does not match its shape and dtype, or a name twice.
    case invalidTensor(tensor: String, reason: String)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case let .truncatedHeader(path, fileSize, headerLength):
            "safetensors file \(path) is truncated: \(fileSize) bytes cannot hold an 8-byte prefix and a \(headerLength)-byte header"
        case let .headerTooLarge(path, headerLength, limit):
            "safetensors file \(path) announces a \(headerLength)-byte header, over the \(limit)-byte limit"
        case let .malformedHeader(path, reason):
            "safetensors file \(path) has a malformed header: \(reason)"
        case let .malformedEntry(tensor, reason):
            "tensor '\(tensor)': malformed header entry: \(reason)"
        case let .unknownDType(tensor, dtype):
            "tensor '\(tensor)': unknown dtype '\(dtype)'"
        case let .sizeOverflow(tensor, shape):
            "tensor '\(tensor)': shape \(shape) is too large"
        case let .sizeMismatch(tensor, expectedBytes, actualBytes):
            "tensor '\(tensor)': shape and dtype need \(expectedBytes) bytes but data_offsets span \(actualBytes)"
        case let .dataOutOfBounds(tensor, end, dataSize):
            "tensor '\(tensor)': data ends at byte \(end) but the file's data section has only \(dataSize) bytes (truncated file?)"
        case let .overlappingData(tensor, other):
            "tensor '\(tensor)': data overlaps tensor '\(other)'"
        case let .missingTensor(name):
            "tensor '\(name)' is missing"
        case let .wrongDType(tensor, expected, actual):
            "tensor '\(tensor)': dtype \(actual.rawValue), expected \(expected.map(\.rawValue).joined(separator: " or "))"
        case let .wrongShape(tensor, expected, actual):
            "tensor '\(tensor)': shape \(actual), expected \(expected)"
        case let .invalidTensor(tensor, reason):
            "tensor '\(tensor)': \(reason)"
        }
    }
}
