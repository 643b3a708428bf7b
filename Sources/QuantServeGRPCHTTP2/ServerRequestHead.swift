import QuantServeGRPC

/// The header fields of one request as they arrive, kept until the HEADERS frame is complete.
struct ServerRequestHead {
    var method: String?
    var path: String?
    var contentType: String?
    var timeout: String?
    var encoding: String?
    var acceptEncoding: String?
    var metadata = Metadata()
    /// The header list size as RFC 9113 counts it: name, value and 32 bytes per field.
    var listBytes = 0
    /// Whether the list outgrew the limit (later fields are then dropped).
    var exceededLimit = false

    /// Records one field; `limit` is the largest header list accepted.
    mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, limit: Int) {
        listBytes += name.count + value.count + 32
        if listBytes > limit { exceededLimit = true }
        if exceededLimit { return }
        let nameText = String(decoding: name, as: UTF8.self)
        let valueText = String(decoding: value, as: UTF8.self)
        switch nameText {
        case ":method": method = valueText
        case ":path": path = valueText
        case "content-type": contentType = valueText
        case "grpc-timeout": timeout = valueText
        case "grpc-encoding": encoding = valueText
        case "grpc-accept-encoding": acceptEncoding = valueText
        default: metadata.addHeaderField(name: nameText, value: valueText)
        }
    }

    /// Whether the content type names gRPC with the protobuf (default) message format:
    /// `application/grpc` or `application/grpc+proto`, any case, parameters allowed.
    var isGRPCContentType: Bool {
        guard let contentType else { return false }
        let mediaType = contentType.prefix { $0 != ";" }.lowercased().filter { $0 != " " && $0 != "\t" }
        return mediaType == "application/grpc" || mediaType == "application/grpc+proto"
    }
}
