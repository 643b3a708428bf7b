import QuantServeGRPC
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

/// A request whose `repeated string texts` field is carried byte for byte (U+0000 included)
/// and bounded in count before it is unpacked: see `ProtobufCCodec.decodeCarryingTexts`.
protocol ProtobufCTextsCarrying: ProtobufCCodable {
    /// The texts; `init(cMessage:)` leaves them empty and `fill` leaves them out, as the codec
    /// reads and writes them itself.
    var texts: [String] { get set }
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

    /// Decodes `bytes` as a `Message`; a string field holding U+0000 is refused, never cut.
    static func decode<Message: ProtobufCCodable>(_ bytes: [UInt8], as type: Message.Type = Message.self)
        throws(MessageDecodingError) -> Message
    {
        _ = try ProtobufWireScan(bytes, descriptor: descriptor(of: Message.self), messageName: Message.protobufName)
        return try unpack(bytes)
    }

    /// Decodes `bytes` as a request carrying texts. The texts are counted on the wire first, so
    /// that a request over `InferenceRequestLimits.maxTexts` is refused with RESOURCE_EXHAUSTED
    /// before protobuf-c allocates anything for it; they are then read from the wire bytes
    /// exactly, U+0000 included. Throws `MessageDecodingError` for bytes that are not the message.
    static func decodeCarryingTexts<Message: ProtobufCTextsCarrying>(_ bytes: [UInt8]) throws -> Message {
        let limit = InferenceRequestLimits.maxTexts
        let scan = try ProtobufWireScan(
            bytes, descriptor: descriptor(of: Message.self), messageName: Message.protobufName,
            collecting: textsFieldNumber(of: Message.self), collectionLimit: limit
        )
        guard scan.collectedCount <= limit else {
            throw RPCError(
                code: .resourceExhausted,
                message: "the request holds \(scan.collectedCount) texts, more than the limit of \(limit)")
        }
        var message: Message = try unpack(bytes)
        message.texts = try scan.collectedRanges.enumerated().map { (index, range) throws(MessageDecodingError) in
            guard let text = String(validating: bytes[range], as: UTF8.self) else {
                throw MessageDecodingError(
                    messageName: Message.protobufName, reason: "texts[\(index)] is not valid UTF-8")
            }
            return text
        }
        return message
    }

    /// The protobuf encoding of a request carrying texts, each text written byte for byte
    /// (protobuf-c would stop at a NUL) where protobuf-c would put the field.
    static func encodeCarryingTexts<Message: ProtobufCTextsCarrying>(_ message: Message) -> [UInt8] {
        let otherFields = encode(message)
        let field = textsFieldNumber(of: Message.self)
        let insertion = ProtobufWireScan.insertionOffset(for: field, in: otherFields)
        var bytes = Array(otherFields[..<insertion])
        bytes.reserveCapacity(otherFields.count + message.texts.reduce(0) { $0 + $1.utf8.count + 6 })
        for text in message.texts {
            ProtobufWireScan.appendVarint(UInt64(field) << 3 | 2, to: &bytes)
            ProtobufWireScan.appendVarint(UInt64(text.utf8.count), to: &bytes)
            bytes += text.utf8
        }
        bytes += otherFields[insertion...]
        return bytes
    }

    /// The protobuf-c descriptor of `Message`, read from a structure its `…__init` sets up.
    static func descriptor<Message: ProtobufCCodable>(of type: Message.Type) -> UnsafePointer<
        ProtobufCMessageDescriptor
    > {
        withUnsafeTemporaryAllocation(of: Message.CMessage.self, capacity: 1) {
            buffer -> UnsafePointer<ProtobufCMessageDescriptor> in
            Message.initialize(buffer.baseAddress!)
            return UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: ProtobufCMessage.self).pointee
                .descriptor
        }
    }

    /// The number of the `texts` field of `Message`.
    private static func textsFieldNumber<Message: ProtobufCTextsCarrying>(of type: Message.Type) -> UInt32 {
        guard let field = protobuf_c_message_descriptor_get_field_by_name(descriptor(of: Message.self), "texts") else {
            preconditionFailure("\(Message.protobufName) has no field named texts")
        }
        return field.pointee.id
    }

    /// Unpacks `bytes` with protobuf-c into a `Message`.
    private static func unpack<Message: ProtobufCCodable>(_ bytes: [UInt8]) throws(MessageDecodingError) -> Message {
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
        _ count: Int, _ table: UnsafePointer<UnsafeMutablePointer<Message.CMessage>?>?,
        as type: Message.Type = Message.self
    ) throws(MessageDecodingError) -> [Message] {
        guard count > 0, let table else { return [] }
        var messages: [Message] = []
        messages.reserveCapacity(count)
        for index in 0..<count {
            guard let element = table[index] else {
                throw MessageDecodingError(
                    messageName: Message.protobufName, reason: "protobuf-c returned an empty element")
            }
            messages.append(try Message(cMessage: element))
        }
        return messages
    }
}
