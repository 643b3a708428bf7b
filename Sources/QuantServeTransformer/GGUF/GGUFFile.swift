import Foundation

/// A GGUF v3 file, held in memory and validated at open time: the header, every metadata value
/// (of any GGUF type, arrays nested up to a limit), every tensor entry (a supported ggml type, at
/// most four dimensions, a size that does not overflow, whole quantization blocks per row), the
/// alignment, and every tensor's bytes inside the data section and apart from the others.
/// The file is read once through `RegularFile` (never mapped), so a change on disk cannot reach it.
public final class GGUFFile: Sendable {
    /// The alignment of the data section when `general.alignment` is absent.
    public static let defaultAlignment = 32

    /// The file's path, for messages.
    public let path: String
    /// The metadata, by key.
    public let metadata: [String: GGUFValue]
    /// The metadata keys in file order.
    public let metadataKeys: [String]
    /// Every tensor, in file order.
    public let tensors: [GGUFTensorInfo]
    /// The alignment of the data section and of every tensor's offset.
    public let alignment: Int
    /// Where the data section starts in the file.
    public let dataStart: Int

    private let file: [UInt8]
    private let indexByName: [String: Int]

    /// Reads and validates the regular file at `url` (a symbolic link is followed).
    public convenience init(url: URL, limits: GGUFLimits = GGUFLimits()) throws {
        let bytes = try RegularFile.bytes(of: url, limit: limits.maximumFileBytes, symlinks: .follow)
        try self.init(bytes: bytes, path: url.path, limits: limits)
    }

    /// Validates a GGUF file already in memory; `path` names it in messages.
    public init(bytes: [UInt8], path: String, limits: GGUFLimits = GGUFLimits()) throws(GGUFError) {
        self.path = path
        file = bytes
        let parsed = try bytes.withUnsafeBytes { raw in
            var parser = GGUFParser(reader: GGUFByteReader(bytes: raw, path: path, limits: limits))
            return Result { () throws(GGUFError) in try parser.parse() }
        }.get()
        metadata = parsed.metadata
        metadataKeys = parsed.metadataKeys
        tensors = parsed.tensors
        alignment = parsed.alignment
        dataStart = parsed.dataStart
        indexByName = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    /// The entry of tensor `name`, or `missing`.
    public func tensor(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let index = indexByName[name] else { throw .missing(name) }
        return tensors[index]
    }

    /// The raw bytes of tensor `name`, as stored.
    public func bytes(_ name: String) throws(GGUFError) -> ArraySlice<UInt8> {
        let info = try tensor(name)
        return file[(dataStart + info.offset)..<(dataStart + info.offset + info.byteCount)]
    }

    /// The elements of tensor `name` as 32-bit floats, dequantized as ggml does.
    public func floats(_ name: String) throws(GGUFError) -> [Float] {
        let info = try tensor(name)
        return GGMLDequantizer.floats(of: try bytes(name), type: info.type, count: info.elementCount)
    }

    /// The metadata value of `key`, or `missing`.
    public func value(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value = metadata[key] else { throw .missing(key) }
        return value
    }

    /// The string value of `key`.
    public func string(_ key: String) throws(GGUFError) -> String {
        let value = try value(key)
        guard case let .string(string) = value else {
            throw .wrongValueType(key: key, expected: "a string", actual: "\(value.type)")
        }
        return string
    }

    /// The array of strings of `key`.
    public func strings(_ key: String) throws(GGUFError) -> [String] {
        let value = try value(key)
        guard case let .array(.string, elements) = value else {
            throw .wrongValueType(key: key, expected: "an array of strings", actual: Self.typeName(value))
        }
        return elements.map { if case let .string(string) = $0 { string } else { "" } }
    }

    /// The array of integers of `key` (any integer element type).
    public func integers(_ key: String) throws(GGUFError) -> [Int] {
        let value = try value(key)
        guard case let .array(_, elements) = value else {
            throw .wrongValueType(key: key, expected: "an array of integers", actual: Self.typeName(value))
        }
        var integers: [Int] = []
        integers.reserveCapacity(elements.count)
        for element in elements {
            guard let integer = element.integer else {
                throw .wrongValueType(key: key, expected: "an array of integers", actual: Self.typeName(value))
            }
            integers.append(integer)
        }
        return integers
    }

    private static func typeName(_ value: GGUFValue) -> String {
        if case let .array(elementType, _) = value { "an array of \(elementType)" } else { "\(value.type)" }
    }
}
