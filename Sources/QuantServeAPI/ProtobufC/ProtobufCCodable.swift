internal import QuantServeProto

/// A Swift message that protobuf-c encodes and decodes through its generated C structure.
protocol ProtobufCCodable: Sendable {
    /// The protoc-c generated structure of the message.
    associatedtype CMessage

    /// The fully qualified protobuf name, used in error messages.
    static var protobufName: String { get }

    /// Decodes `count` bytes with the generated `…__unpack`; nil when they are not a valid encoding.
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<CMessage>?

    /// Sets a structure to the message's defaults with the generated `…__init`.
    static func initialize(_ cMessage: UnsafeMutablePointer<CMessage>)

    /// Copies an unpacked structure into Swift values.
    init(cMessage: UnsafePointer<CMessage>) throws(MessageDecodingError)

    /// Points an initialized structure at this message's contents, allocated in `arena`.
    func fill(_ cMessage: UnsafeMutablePointer<CMessage>, arena: inout ProtobufCArena)
}

/// Packs and unpacks `ProtobufCCodable` messages with protobuf-c; no C allocation outlives a call.
enum ProtobufCCodec {
    /// The protobuf encoding of `message`.
    static func encode<Message: ProtobufCCodable>(_ message: Message) -> [UInt8] {
        ProtobufCArena.withArena { arena in
            let cMessage = arena.message(message)
            // Every protobuf-c structure begins with its ProtobufCMessage header.
            let header = UnsafeRawPointer(cMessage).assumingMemoryBound(to: ProtobufCMessage.self)
            let size = protobuf_c_message_get_packed_size(header)
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
                initializedCount = size == 0 ? 0 : protobuf_c_message_pack(header, buffer.baseAddress)
                precondition(initializedCount == size, "protobuf-c packed \(initializedCount) of \(size) bytes")
            }
        }
    }

    /// Decodes `bytes` as a `Message`.
    static func decode<Message: ProtobufCCodable>(_ bytes: [UInt8], as type: Message.Type = Message.self) throws(MessageDecodingError) -> Message {
        let unpacked = bytes.withUnsafeBufferPointer { Message.unpack($0.count, $0.baseAddress) }
        guard let unpacked else {
            throw MessageDecodingError(
                messageName: Message.protobufName,
                reason: "\(bytes.count) bytes are not a valid protobuf encoding of it"
            )
        }
        defer {
            let header = UnsafeMutableRawPointer(unpacked).assumingMemoryBound(to: ProtobufCMessage.self)
            protobuf_c_message_free_unpacked(header, nil)
        }
        return try Message(cMessage: unpacked)
    }

    /// A `string` field; protobuf-c leaves unset strings empty (or NULL).
    static func string<Message: ProtobufCCodable>(
        _ cString: UnsafePointer<CChar>?, field: StaticString, of message: Message.Type
    ) throws(MessageDecodingError) -> String {
        guard let cString else { return "" }
        guard let string = String(validatingCString: cString) else {
            throw MessageDecodingError(messageName: Message.protobufName, reason: "field \(field) is not valid UTF-8")
        }
        return string
    }

    /// A `repeated string` field.
    static func strings<Message: ProtobufCCodable>(
        _ count: Int, _ table: UnsafePointer<UnsafeMutablePointer<CChar>?>?, field: StaticString, of message: Message.Type
    ) throws(MessageDecodingError) -> [String] {
        guard count > 0, let table else { return [] }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for index in 0..<count {
            strings.append(try string(table[index], field: field, of: message))
        }
        return strings
    }

    /// A repeated scalar field, in one bulk copy.
    static func array<Scalar: BitwiseCopyable>(_ count: Int, _ values: UnsafePointer<Scalar>?) -> [Scalar] {
        guard count > 0, let values else { return [] }
        return Array(UnsafeBufferPointer(start: values, count: count))
    }

    /// A `bytes` field.
    static func bytes(_ binary: ProtobufCBinaryData) -> [UInt8] {
        array(binary.len, binary.data)
    }

    /// An optional sub-message field.
    static func message<Message: ProtobufCCodable>(
        _ cMessage: UnsafePointer<Message.CMessage>?, as type: Message.Type = Message.self
    ) throws(MessageDecodingError) -> Message? {
        guard let cMessage else { return nil }
        return try Message(cMessage: cMessage)
    }

    /// A repeated sub-message field.
    static func messages<Message: ProtobufCCodable>(
        _ count: Int, _ table: UnsafePointer<UnsafeMutablePointer<Message.CMessage>?>?, as type: Message.Type = Message.self
    ) throws(MessageDecodingError) -> [Message] {
        guard count > 0, let table else { return [] }
        var messages: [Message] = []
        messages.reserveCapacity(count)
        for index in 0..<count {
            guard let element = table[index] else {
                throw MessageDecodingError(messageName: Message.protobufName, reason: "protobuf-c returned an empty element")
            }
            messages.append(try Message(cMessage: element))
        }
        return messages
    }
}
