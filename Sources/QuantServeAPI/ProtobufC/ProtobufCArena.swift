internal import QuantServeProto

/// A bump allocator for the C structures, strings and arrays that protobuf-c packs in one
/// encode. The first block lives on the stack; larger messages spill into heap blocks, all
/// freed when the arena's scope ends.
struct ProtobufCArena: ~Copyable {
    /// Bytes of the stack block: enough for the structures of every small message.
    private static let stackBlockBytes = 2048
    /// Every allocation is aligned this much (the strictest alignment of protobuf-c's types).
    private static let alignment = 16

    private var block: UnsafeMutableRawBufferPointer
    private var used = 0
    private var heapBlocks: [UnsafeMutableRawPointer] = []

    private init(block: UnsafeMutableRawBufferPointer) {
        self.block = block
    }

    deinit {
        for heapBlock in heapBlocks { heapBlock.deallocate() }
    }

    /// Runs `body` with a fresh arena; everything allocated in it is freed when `body` returns.
    static func withArena<Result>(_ body: (inout ProtobufCArena) -> Result) -> Result {
        withUnsafeTemporaryAllocation(byteCount: stackBlockBytes, alignment: alignment) { stackBlock in
            var arena = ProtobufCArena(block: stackBlock)
            return body(&arena)
        }
    }

    /// `byteCount` uninitialized bytes, aligned to 16.
    private mutating func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let mask = Self.alignment - 1
        let start = (used + mask) & ~mask
        if start + byteCount <= block.count, let base = block.baseAddress {
            used = start + byteCount
            return base + start
        }
        let blockBytes = max(byteCount, block.count * 2)
        let heapBlock = UnsafeMutableRawPointer.allocate(byteCount: blockBytes, alignment: Self.alignment)
        heapBlocks.append(heapBlock)
        block = UnsafeMutableRawBufferPointer(start: heapBlock, count: blockBytes)
        used = byteCount
        return heapBlock
    }

    /// The C structure of `message`, initialized by protobuf-c and filled from the Swift value.
    mutating func message<Message: ProtobufCCodable>(_ message: Message) -> UnsafeMutablePointer<Message.CMessage> {
        let cMessage = allocate(byteCount: MemoryLayout<Message.CMessage>.stride)
            .bindMemory(to: Message.CMessage.self, capacity: 1)
        Message.initialize(cMessage)
        message.fill(cMessage, arena: &self)
        return cMessage
    }

    /// The C structure of an optional sub-message; nil leaves the field unset.
    mutating func optionalMessage<Message: ProtobufCCodable>(_ message: Message?) -> UnsafeMutablePointer<
        Message.CMessage
    >? {
        guard let message else { return nil }
        return self.message(message)
    }

    /// A table of C structures for a repeated message field, nil when `messages` is empty.
    mutating func messages<Message: ProtobufCCodable>(
        _ messages: [Message]
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<Message.CMessage>?>? {
        guard !messages.isEmpty else { return nil }
        let table = allocate(byteCount: MemoryLayout<UnsafeMutablePointer<Message.CMessage>?>.stride * messages.count)
            .bindMemory(to: UnsafeMutablePointer<Message.CMessage>?.self, capacity: messages.count)
        for (index, element) in messages.enumerated() {
            table[index] = self.message(element)
        }
        return table
    }

    /// A NUL-terminated copy of `string`'s UTF-8 bytes. protobuf-c reads C strings, so a
    /// string with an embedded NUL is cut at its first NUL (decoding refuses such strings, and
    /// texts go through `ProtobufCCodec.encodeCarryingTexts`).
    mutating func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let copy = allocate(byteCount: utf8.count + 1)
            if let source = utf8.baseAddress { copy.copyMemory(from: source, byteCount: utf8.count) }
            copy.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
            return copy.bindMemory(to: CChar.self, capacity: utf8.count + 1)
        }
    }

    /// One bulk copy of a repeated scalar field, nil when `values` is empty.
    mutating func array<Scalar: BitwiseCopyable>(_ values: [Scalar]) -> UnsafeMutablePointer<Scalar>? {
        guard !values.isEmpty else { return nil }
        return values.withUnsafeBytes { source in
            let copy = allocate(byteCount: source.count)
            copy.copyMemory(from: source.baseAddress!, byteCount: source.count)
            return copy.bindMemory(to: Scalar.self, capacity: values.count)
        }
    }

    /// A `bytes` field.
    mutating func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        ProtobufCBinaryData(len: bytes.count, data: array(bytes))
    }
}
