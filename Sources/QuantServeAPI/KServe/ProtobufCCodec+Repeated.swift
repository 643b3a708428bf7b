internal import QuantServeProto

/// Repeated fields of the KServe messages and of GenerateRequest.
extension ProtobufCCodec {
    /// A `repeated string` field.
    static func strings<Message: ProtobufCCodable>(
        _ count: Int, _ table: UnsafePointer<UnsafeMutablePointer<CChar>?>?, field: StaticString,
        of message: Message.Type
    ) throws(MessageDecodingError) -> [String] {
        guard count > 0, let table else { return [] }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for index in 0..<count {
            strings.append(try string(table[index], field: field, of: message))
        }
        return strings
    }

    /// A `repeated bytes` field.
    static func binaries(_ count: Int, _ values: UnsafePointer<ProtobufCBinaryData>?) -> [[UInt8]] {
        array(count, values).map(bytes)
    }
}

extension ProtobufCArena {
    /// A table of C strings for a `repeated string` field, nil when `strings` is empty.
    mutating func cStrings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(strings.count)
        for string in strings { pointers.append(cString(string)) }
        return array(pointers)
    }

    /// The values of a `repeated bytes` field, nil when `values` is empty.
    mutating func binaries(_ values: [[UInt8]]) -> UnsafeMutablePointer<ProtobufCBinaryData>? {
        var binaries: [ProtobufCBinaryData] = []
        binaries.reserveCapacity(values.count)
        for value in values { binaries.append(binary(value)) }
        return array(binaries)
    }
}

extension ProtobufCCodec {
    /// Unpacks a nested message, for which protoc-c generates no `…__unpack`, through its descriptor.
    static func unpackNested<Message: ProtobufCCodable>(
        _ type: Message.Type, _ count: Int, _ bytes: UnsafePointer<UInt8>?
    ) -> UnsafeMutablePointer<Message.CMessage>? {
        protobuf_c_message_unpack(descriptor(of: Message.self), nil, count, bytes)
            .map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Message.CMessage.self) }
    }
}
