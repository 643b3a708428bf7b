/// A fuzz input read from the front: small choices first, then the bytes that remain. Reading
/// past the end gives zeros and empty slices, so every input is a valid script.
public struct FuzzInput {
    private let storage: UnsafeRawBufferPointer
    private var offset = 0

    /// The input libFuzzer passes to `LLVMFuzzerTestOneInput`.
    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        storage = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { offset >= storage.count }

    /// The next byte, or 0 past the end.
    public mutating func byte() -> UInt8 {
        guard offset < storage.count else { return 0 }
        defer { offset += 1 }
        return storage[offset]
    }

    /// Up to `count` next bytes.
    public mutating func bytes(upTo count: Int) -> [UInt8] {
        let end = min(storage.count, offset + max(0, count))
        defer { offset = end }
        return Array(storage[offset..<end])
    }

    /// Every byte not read yet.
    public mutating func remainingBytes() -> [UInt8] {
        bytes(upTo: storage.count - offset)
    }
}
