/// A cursor over the bytes of a GGUF file that reads little-endian fields and refuses, with a
/// message naming the field, any read past the end of the file or any length over its limits.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    let limits: GGUFLimits
    private(set) var offset = 0

    init(bytes: UnsafeRawBufferPointer, path: String, limits: GGUFLimits) {
        self.bytes = bytes
        self.path = path
        self.limits = limits
    }

    /// The bytes left after the cursor.
    var remaining: Int { bytes.count - offset }

    /// Checks that `count` bytes can be read at the cursor.
    func require(_ count: Int, for field: @autoclosure () -> String) throws(GGUFError) {
        guard count <= remaining else {
            throw .truncated(path: path, field: field(), offset: offset, needed: count, fileSize: bytes.count)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: @autoclosure () -> String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, for: field())
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    /// A count (uint64) that is at most `limit` and at most what the remaining bytes can hold,
    /// when each counted item takes at least `minimumItemBytes`.
    mutating func readCount(_ field: @autoclosure () -> String, limit: Int, minimumItemBytes: Int) throws(GGUFError)
        -> Int
    {
        let name = field()
        let count = try read(UInt64.self, name)
        guard count <= UInt64(limit) else {
            throw .overLimit(path: path, field: name, value: count, limit: UInt64(limit))
        }
        let needed = count.multipliedReportingOverflow(by: UInt64(minimumItemBytes))
        guard !needed.overflow, needed.partialValue <= UInt64(remaining) else {
            throw .truncated(
                path: path, field: name + " (\(count) items)", offset: offset,
                needed: Int(clamping: needed.overflow ? UInt64.max : needed.partialValue), fileSize: bytes.count)
        }
        return Int(count)
    }

    /// A GGUF string: a uint64 byte length, then that many bytes of UTF-8.
    mutating func readString(_ field: @autoclosure () -> String) throws(GGUFError) -> String {
        let name = field()
        let length = try read(UInt64.self, name + " length")
        guard length <= UInt64(limits.maximumStringBytes) else {
            throw .overLimit(
                path: path, field: name + " length", value: length, limit: UInt64(limits.maximumStringBytes))
        }
        try require(Int(length), for: name)
        let utf8 = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))])
        guard let string = String(validating: utf8.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw .malformed(path: path, field: name, reason: "not valid UTF-8")
        }
        offset += Int(length)
        return string
    }

    /// Moves the cursor to the next multiple of `alignment` (a power of two), within the file.
    mutating func align(to alignment: Int, _ field: String) throws(GGUFError) {
        let padding = (alignment - offset % alignment) % alignment
        try require(padding, for: field)
        offset += padding
    }
}

/// The reader's bounds on what a GGUF file may announce, so that a hostile file cannot make it
/// allocate or loop without end.
public struct GGUFLimits: Sendable {
    /// The longest string (key, value or tensor name), in bytes.
    public var maximumStringBytes = 1 << 20
    /// The most elements of one metadata array.
    public var maximumArrayLength = 1 << 20
    /// The most metadata values in all, array elements included (each takes tens of bytes in
    /// memory, though a byte in the file).
    public var maximumMetadataValues = 1 << 22
    /// The deepest nesting of arrays in arrays.
    public var maximumArrayDepth = 4
    /// The most metadata entries.
    public var maximumMetadataCount = 1 << 16
    /// The most tensors.
    public var maximumTensorCount = 1 << 16
    /// The most dimensions of a tensor (ggml's GGML_MAX_DIMS).
    public var maximumDimensions = 4
    /// The largest file read from disk.
    public var maximumFileBytes = 64 << 30

    /// The default limits.
    public init() {}
}
