import Foundation

extension SafetensorsFile {
    /// The validated content of a header.
    struct Header {
        var dataStart: Int
        var tensors: [TensorInfo]
        var metadata: [String: String]
    }

    /// Parses and validates the header at the start of `bytes`: the 8-byte little-endian length,
    /// the JSON object, and every tensor entry against the size of the data section.
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Header {
        guard bytes.count >= 8 else {
            throw SafetensorsError.truncatedHeader(path: path, fileSize: bytes.count, headerLength: 0)
        }
        let announced = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard announced <= UInt64(maximumHeaderLength) else {
            throw SafetensorsError.headerTooLarge(path: path, headerLength: announced, limit: maximumHeaderLength)
        }
        let headerLength = Int(announced)
        guard bytes.count - 8 >= headerLength else {
            throw SafetensorsError.truncatedHeader(path: path, fileSize: bytes.count, headerLength: announced)
        }
        let json = Data(bytes[8..<(8 + headerLength)])
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw SafetensorsError.malformedHeader(path: path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let entries = object as? [String: Any] else {
            throw SafetensorsError.malformedHeader(path: path, reason: "not a JSON object")
        }
        let dataSize = bytes.count - 8 - headerLength
        var metadata: [String: String] = [:]
        var tensors: [TensorInfo] = []
        for (name, value) in entries {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw SafetensorsError.malformedHeader(
                        path: path, reason: "__metadata__ is not an object of strings")
                }
                metadata = strings
                continue
            }
            tensors.append(try parseEntry(name: name, value: value))
        }
        tensors.sort {
            ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < (
                $1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name
            )
        }
        var previous: TensorInfo?
        for tensor in tensors {
            guard tensor.dataRange.upperBound <= dataSize else {
                throw SafetensorsError.dataOutOfBounds(
                    tensor: tensor.name, end: tensor.dataRange.upperBound, dataSize: dataSize)
            }
            guard !tensor.dataRange.isEmpty else { continue }
            if let previous, tensor.dataRange.lowerBound < previous.dataRange.upperBound {
                throw SafetensorsError.overlappingData(tensor: tensor.name, other: previous.name)
            }
            previous = tensor
        }
        return Header(dataStart: 8 + headerLength, tensors: tensors, metadata: metadata)
    }

    private static func parseEntry(name: String, value: Any) throws -> TensorInfo {
        guard let fields = value as? [String: Any] else {
            throw SafetensorsError.malformedEntry(tensor: name, reason: "not a JSON object")
        }
        guard let dtypeName = fields["dtype"] as? String else {
            throw SafetensorsError.malformedEntry(tensor: name, reason: "no string 'dtype'")
        }
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            throw SafetensorsError.unknownDType(tensor: name, dtype: dtypeName)
        }
        guard let shapeValues = fields["shape"] as? [Any] else {
            throw SafetensorsError.malformedEntry(tensor: name, reason: "no array 'shape'")
        }
        let shape = try shapeValues.map { try nonNegativeInteger($0, tensor: name, field: "shape") }
        guard let offsetValues = fields["data_offsets"] as? [Any], offsetValues.count == 2 else {
            throw SafetensorsError.malformedEntry(
                tensor: name, reason: "'data_offsets' is not an array of two integers")
        }
        let begin = try nonNegativeInteger(offsetValues[0], tensor: name, field: "data_offsets")
        let end = try nonNegativeInteger(offsetValues[1], tensor: name, field: "data_offsets")
        guard begin <= end else {
            throw SafetensorsError.malformedEntry(tensor: name, reason: "data_offsets [\(begin), \(end)] run backwards")
        }
        var byteCount = dtype.byteSize
        for dimension in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw SafetensorsError.sizeOverflow(tensor: name, shape: shape) }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw SafetensorsError.sizeMismatch(tensor: name, expectedBytes: byteCount, actualBytes: end - begin)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataRange: begin..<end)
    }

    /// A JSON number that is a non-negative integer representable as `Int`.
    private static func nonNegativeInteger(_ value: Any, tensor: String, field: String) throws -> Int {
        guard let number = value as? NSNumber else {
            throw SafetensorsError.malformedEntry(tensor: tensor, reason: "'\(field)' holds a non-number")
        }
        let asDouble = number.doubleValue
        guard asDouble >= 0, asDouble.rounded() == asDouble, asDouble < 9.0e18, let integer = value as? Int,
            integer >= 0
        else {
            throw SafetensorsError.malformedEntry(
                tensor: tensor, reason: "'\(field)' holds \(number), not a non-negative integer")
        }
        return integer
    }
}
