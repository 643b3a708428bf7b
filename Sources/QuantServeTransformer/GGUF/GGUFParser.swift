/// Parses the header, metadata and tensor entries of a GGUF v3 file and validates them against
/// the file's size (see `GGUFFile`).
struct GGUFParser {
    /// What the parser found.
    struct Result {
        var metadata: [String: GGUFValue]
        var metadataKeys: [String]
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataStart: Int
    }

    var reader: GGUFByteReader
    /// The metadata values read so far, array elements included.
    private var valueCount = 0
    private var path: String { reader.path }
    private var limits: GGUFLimits { reader.limits }

    init(reader: GGUFByteReader) {
        self.reader = reader
    }

    mutating func parse() throws(GGUFError) -> Result {
        guard reader.remaining >= 4, Array(reader.bytes[0..<4]) == Array("GGUF".utf8) else {
            throw .wrongMagic(path: path, found: Array(reader.bytes.prefix(4)))
        }
        _ = try reader.read(UInt32.self, "magic")
        let version = try reader.read(UInt32.self, "version")
        guard version == 3 else { throw .unsupportedVersion(path: path, version: version) }
        // A tensor entry takes at least 8 (name) + 4 (dims) + 4 (type) + 8 (offset) bytes; a
        // metadata entry at least 8 (key) + 4 (type) + 1 (value).
        let tensorCount = try reader.readCount("tensor count", limit: limits.maximumTensorCount, minimumItemBytes: 24)
        let metadataCount = try reader.readCount(
            "metadata count", limit: limits.maximumMetadataCount, minimumItemBytes: 13)

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        for index in 0..<metadataCount {
            let key = try reader.readString("metadata key #\(index)")
            let value = try readValue(of: readValueType("metadata '\(key)' type"), field: "metadata '\(key)'", depth: 0)
            guard metadata.updateValue(value, forKey: key) == nil else { throw .duplicateKey(path: path, key: key) }
            keys.append(key)
        }
        let alignment = try Self.alignment(metadata["general.alignment"], path: path)

        var tensors: [GGUFTensorInfo] = []
        var names: Set<String> = []
        for index in 0..<tensorCount {
            let tensor = try readTensorInfo(index: index)
            guard names.insert(tensor.name).inserted else { throw .duplicateTensor(path: path, name: tensor.name) }
            guard tensor.offset % alignment == 0 else {
                throw .misalignedTensor(tensor: tensor.name, offset: UInt64(tensor.offset), alignment: alignment)
            }
            tensors.append(tensor)
        }
        try reader.align(to: alignment, "padding before the data section")
        let dataStart = reader.offset
        try Self.checkDataRanges(tensors, dataSize: reader.bytes.count - dataStart)
        return Result(
            metadata: metadata, metadataKeys: keys, tensors: tensors, alignment: alignment, dataStart: dataStart)
    }

    private mutating func readValueType(_ field: @autoclosure () -> String) throws(GGUFError) -> GGUFValueType {
        let name = field()
        let raw = try reader.read(UInt32.self, name)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw .malformed(path: path, field: name, reason: "unknown value type \(raw)")
        }
        return type
    }

    private mutating func readValue(of type: GGUFValueType, field: String, depth: Int) throws(GGUFError) -> GGUFValue {
        valueCount += 1
        guard valueCount <= limits.maximumMetadataValues else {
            throw .overLimit(
                path: path, field: "the number of metadata values", value: UInt64(valueCount),
                limit: UInt64(limits.maximumMetadataValues))
        }
        switch type {
        case .uint8: return .uint8(try reader.read(UInt8.self, field))
        case .int8: return .int8(try reader.read(Int8.self, field))
        case .uint16: return .uint16(try reader.read(UInt16.self, field))
        case .int16: return .int16(try reader.read(Int16.self, field))
        case .uint32: return .uint32(try reader.read(UInt32.self, field))
        case .int32: return .int32(try reader.read(Int32.self, field))
        case .float32: return .float32(Float(bitPattern: try reader.read(UInt32.self, field)))
        case .uint64: return .uint64(try reader.read(UInt64.self, field))
        case .int64: return .int64(try reader.read(Int64.self, field))
        case .float64: return .float64(Double(bitPattern: try reader.read(UInt64.self, field)))
        case .bool:
            let byte = try reader.read(UInt8.self, field)
            guard byte <= 1 else {
                throw .malformed(path: path, field: field, reason: "a bool holds \(byte), not 0 or 1")
            }
            return .bool(byte == 1)
        case .string:
            return .string(try reader.readString(field))
        case .array:
            guard depth < limits.maximumArrayDepth else {
                throw .overLimit(
                    path: path, field: "\(field) array nesting", value: UInt64(depth + 1),
                    limit: UInt64(limits.maximumArrayDepth))
            }
            let elementType = try readValueType("\(field) element type")
            let count = try reader.readCount(
                "\(field) array length", limit: limits.maximumArrayLength,
                minimumItemBytes: elementType.minimumSize)
            var elements: [GGUFValue] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                elements.append(try readValue(of: elementType, field: "\(field)[\(index)]", depth: depth + 1))
            }
            return .array(elementType: elementType, elements)
        }
    }

    private mutating func readTensorInfo(index: Int) throws(GGUFError) -> GGUFTensorInfo {
        let name = try reader.readString("tensor #\(index) name")
        let dimensionCount = try reader.read(UInt32.self, "tensor '\(name)' dimension count")
        guard dimensionCount <= UInt32(limits.maximumDimensions) else {
            throw .overLimit(
                path: path, field: "tensor '\(name)' dimension count", value: UInt64(dimensionCount),
                limit: UInt64(limits.maximumDimensions))
        }
        var dimensions: [UInt64] = []
        for _ in 0..<dimensionCount { dimensions.append(try reader.read(UInt64.self, "tensor '\(name)' dimensions")) }
        let rawType = try reader.read(UInt32.self, "tensor '\(name)' type")
        let offset = try reader.read(UInt64.self, "tensor '\(name)' offset")
        guard let type = GGMLType(rawValue: rawType) else { throw .unsupportedTensorType(tensor: name, type: rawType) }
        guard !dimensions.contains(0) else {
            throw .invalidShape(tensor: name, dimensions: dimensions, reason: "a dimension is 0")
        }
        var elementCount: UInt64 = 1
        for dimension in dimensions {
            let product = elementCount.multipliedReportingOverflow(by: dimension)
            guard !product.overflow, product.partialValue <= UInt64(Int.max) else {
                throw .invalidShape(tensor: name, dimensions: dimensions, reason: "the element count overflows 64 bits")
            }
            elementCount = product.partialValue
        }
        let rowLength = dimensions.first ?? 1
        guard rowLength % UInt64(type.blockSize) == 0 else {
            throw .invalidShape(
                tensor: name, dimensions: dimensions,
                reason: "the row length \(rowLength) is not a multiple of the \(type.name) block size \(type.blockSize)"
            )
        }
        let bytes = (elementCount / UInt64(type.blockSize)).multipliedReportingOverflow(by: UInt64(type.blockBytes))
        guard !bytes.overflow, bytes.partialValue <= UInt64(Int.max) else {
            throw .invalidShape(tensor: name, dimensions: dimensions, reason: "the byte count overflows 64 bits")
        }
        guard offset <= UInt64(Int.max) else {
            throw .dataOutOfBounds(
                tensor: name, offset: offset, byteCount: Int(bytes.partialValue), dataSize: reader.remaining)
        }
        return GGUFTensorInfo(
            name: name, dimensions: dimensions.map { Int($0) }, type: type, offset: Int(offset),
            elementCount: Int(elementCount), byteCount: Int(bytes.partialValue))
    }

    /// The alignment `general.alignment` sets: a uint32 power of two (32 when absent).
    private static func alignment(_ value: GGUFValue?, path: String) throws(GGUFError) -> Int {
        guard let value else { return GGUFFile.defaultAlignment }
        guard case let .uint32(alignment) = value else {
            throw .malformed(
                path: path, field: "metadata 'general.alignment'", reason: "it is \(value.type), not uint32")
        }
        guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= 1 << 20 else {
            throw .malformed(
                path: path, field: "metadata 'general.alignment'",
                reason: "\(alignment) is not a power of two of at most 1 MiB")
        }
        return Int(alignment)
    }

    /// Checks that every tensor's bytes lie inside the data section and overlap no other's.
    private static func checkDataRanges(_ tensors: [GGUFTensorInfo], dataSize: Int) throws(GGUFError) {
        var previous: GGUFTensorInfo?
        for tensor in tensors.sorted(by: { ($0.offset, $0.byteCount) < ($1.offset, $1.byteCount) }) {
            let end = tensor.offset.addingReportingOverflow(tensor.byteCount)
            guard !end.overflow, end.partialValue <= dataSize else {
                throw .dataOutOfBounds(
                    tensor: tensor.name, offset: UInt64(tensor.offset), byteCount: tensor.byteCount,
                    dataSize: dataSize)
            }
            if let previous, tensor.offset < previous.offset + previous.byteCount {
                throw .overlappingData(tensor: tensor.name, other: previous.name)
            }
            previous = tensor
        }
    }
}
