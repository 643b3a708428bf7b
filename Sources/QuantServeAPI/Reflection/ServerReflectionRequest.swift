import QuantServeGRPC
internal import QuantServeProto

/// One question on a reflection stream (`grpc.reflection.v1.ServerReflectionRequest`, and
/// v1alpha's, which is the same message).
public struct ServerReflectionRequest: Sendable, Hashable {
    /// What a request asks (the `message_request` oneof).
    public enum Query: Sendable, Hashable {
        /// The file of this name and its dependencies (`file_by_filename`).
        case fileByFilename(String)
        /// The file defining this fully qualified symbol, and its dependencies (`file_containing_symbol`).
        case fileContainingSymbol(String)
        /// The file defining extension `number` of `containingType` (`file_containing_extension`).
        case fileContainingExtension(containingType: String, number: Int32)
        /// Every extension number of a message type (`all_extension_numbers_of_type`).
        case allExtensionNumbersOfType(String)
        /// The services the server offers (`list_services`; the string's content is unused).
        case listServices(String)
    }

    /// The host the client addressed (informational).
    public var host: String
    /// The question; nil when the client set none of the oneof's fields.
    public var query: Query?

    /// A request asking `query`.
    public init(host: String = "", query: Query?) {
        self.host = host
        self.query = query
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ServerReflectionRequest {
    init(cMessage: UnsafePointer<Grpc__Reflection__V1__ServerReflectionRequest>) throws(MessageDecodingError) {
        let message = cMessage.pointee
        host = try ProtobufCCodec.string(message.host, field: "host", of: Self.self)
        switch message.message_request_case {
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME:
            query = .fileByFilename(
                try ProtobufCCodec.string(message.file_by_filename, field: "file_by_filename", of: Self.self))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL:
            query = .fileContainingSymbol(
                try ProtobufCCodec.string(
                    message.file_containing_symbol, field: "file_containing_symbol", of: Self.self))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION:
            let extensionRequest =
                try ProtobufCCodec.message(message.file_containing_extension, as: ExtensionRequest.self)
                ?? ExtensionRequest()
            query = .fileContainingExtension(
                containingType: extensionRequest.containingType, number: extensionRequest.number)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE:
            query = .allExtensionNumbersOfType(
                try ProtobufCCodec.string(
                    message.all_extension_numbers_of_type, field: "all_extension_numbers_of_type", of: Self.self))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES:
            query = .listServices(
                try ProtobufCCodec.string(message.list_services, field: "list_services", of: Self.self))
        default:
            query = nil
        }
    }

    func fill(
        _ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ServerReflectionRequest>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.host = arena.cString(host)
        switch query {
        case .fileByFilename(let name):
            cMessage.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME
            cMessage.pointee.file_by_filename = arena.cString(name)
        case .fileContainingSymbol(let symbol):
            cMessage.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL
            cMessage.pointee.file_containing_symbol = arena.cString(symbol)
        case .fileContainingExtension(let containingType, let number):
            cMessage.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION
            cMessage.pointee.file_containing_extension = arena.message(
                ExtensionRequest(containingType: containingType, number: number))
        case .allExtensionNumbersOfType(let type):
            cMessage.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE
            cMessage.pointee.all_extension_numbers_of_type = arena.cString(type)
        case .listServices(let content):
            cMessage.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES
            cMessage.pointee.list_services = arena.cString(content)
        case nil:
            break
        }
    }
}

/// `grpc.reflection.v1.ExtensionRequest`, the payload of `file_containing_extension`.
struct ExtensionRequest: ProtobufCCodable {
    static let protobufName = "grpc.reflection.v1.ExtensionRequest"
    var containingType = ""
    var number: Int32 = 0

    init(containingType: String = "", number: Int32 = 0) {
        self.containingType = containingType
        self.number = number
    }

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Grpc__Reflection__V1__ExtensionRequest
    >? {
        grpc__reflection__v1__extension_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ExtensionRequest>) {
        grpc__reflection__v1__extension_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Reflection__V1__ExtensionRequest>) throws(MessageDecodingError) {
        containingType = try ProtobufCCodec.string(
            cMessage.pointee.containing_type, field: "containing_type", of: Self.self)
        number = cMessage.pointee.extension_number
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ExtensionRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.containing_type = arena.cString(containingType)
        cMessage.pointee.extension_number = number
    }
}
