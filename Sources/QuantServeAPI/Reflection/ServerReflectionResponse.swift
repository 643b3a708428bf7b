import QuantServeGRPC
internal import QuantServeProto

/// One answer on a reflection stream (`grpc.reflection.v1.ServerReflectionResponse`, and
/// v1alpha's, which is the same message).
public struct ServerReflectionResponse: Sendable, Hashable {
    /// What the server answers (the `message_response` oneof).
    public enum Answer: Sendable, Hashable {
        /// Serialized `google.protobuf.FileDescriptorProto`s (`file_descriptor_response`).
        case fileDescriptors([[UInt8]])
        /// The extension numbers of a message type (`all_extension_numbers_response`).
        case extensionNumbers(baseTypeName: String, numbers: [Int32])
        /// The fully qualified names of the services offered (`list_services_response`).
        case services([String])
        /// The request could not be answered (`error_response`): a gRPC status code and why.
        case error(code: Status.Code, message: String)
    }

    /// The host the request named.
    public var validHost: String
    /// The request this answers.
    public var originalRequest: ServerReflectionRequest?
    /// The answer; nil when the message holds none.
    public var answer: Answer?

    /// A response answering `originalRequest` with `answer`.
    public init(validHost: String = "", originalRequest: ServerReflectionRequest?, answer: Answer?) {
        self.validHost = validHost
        self.originalRequest = originalRequest
        self.answer = answer
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ServerReflectionResponse {
    init(cMessage: UnsafePointer<Grpc__Reflection__V1__ServerReflectionResponse>) throws(MessageDecodingError) {
        let message = cMessage.pointee
        validHost = try ProtobufCCodec.string(message.valid_host, field: "valid_host", of: Self.self)
        originalRequest = try ProtobufCCodec.message(message.original_request, as: ServerReflectionRequest.self)
        switch message.message_response_case {
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE:
            answer = .fileDescriptors(
                try ProtobufCCodec.message(message.file_descriptor_response, as: FileDescriptorResponse.self)?.files
                    ?? [])
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE:
            let numbers =
                try ProtobufCCodec.message(message.all_extension_numbers_response, as: ExtensionNumberResponse.self)
                ?? ExtensionNumberResponse()
            answer = .extensionNumbers(baseTypeName: numbers.baseTypeName, numbers: numbers.numbers)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE:
            answer = .services(
                try ProtobufCCodec.message(message.list_services_response, as: ListServiceResponse.self)?.names ?? [])
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE:
            let error = try ProtobufCCodec.message(message.error_response, as: ErrorResponse.self) ?? ErrorResponse()
            answer = .error(code: Status.Code(rawValue: Int(error.code)) ?? .unknown, message: error.message)
        default:
            answer = nil
        }
    }

    func fill(
        _ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ServerReflectionResponse>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.valid_host = arena.cString(validHost)
        cMessage.pointee.original_request = arena.optionalMessage(originalRequest)
        switch answer {
        case .fileDescriptors(let files):
            cMessage.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE
            cMessage.pointee.file_descriptor_response = arena.message(FileDescriptorResponse(files: files))
        case .extensionNumbers(let baseTypeName, let numbers):
            cMessage.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE
            cMessage.pointee.all_extension_numbers_response = arena.message(
                ExtensionNumberResponse(baseTypeName: baseTypeName, numbers: numbers))
        case .services(let names):
            cMessage.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE
            cMessage.pointee.list_services_response = arena.message(ListServiceResponse(names: names))
        case .error(let code, let message):
            cMessage.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE
            cMessage.pointee.error_response = arena.message(ErrorResponse(code: Int32(code.rawValue), message: message))
        case nil:
            break
        }
    }
}

/// `grpc.reflection.v1.FileDescriptorResponse`.
private struct FileDescriptorResponse: ProtobufCCodable {
    static let protobufName = "grpc.reflection.v1.FileDescriptorResponse"
    var files: [[UInt8]]

    init(files: [[UInt8]]) {
        self.files = files
    }

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Grpc__Reflection__V1__FileDescriptorResponse
    >? {
        grpc__reflection__v1__file_descriptor_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__FileDescriptorResponse>) {
        grpc__reflection__v1__file_descriptor_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Reflection__V1__FileDescriptorResponse>) throws(MessageDecodingError) {
        files = ProtobufCCodec.array(cMessage.pointee.n_file_descriptor_proto, cMessage.pointee.file_descriptor_proto)
            .map(ProtobufCCodec.bytes)
    }

    func fill(
        _ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__FileDescriptorResponse>, arena: inout ProtobufCArena
    ) {
        var table: [ProtobufCBinaryData] = []
        table.reserveCapacity(files.count)
        for file in files { table.append(arena.binary(file)) }
        cMessage.pointee.n_file_descriptor_proto = table.count
        cMessage.pointee.file_descriptor_proto = arena.array(table)
    }
}

/// `grpc.reflection.v1.ExtensionNumberResponse`.
private struct ExtensionNumberResponse: ProtobufCCodable {
    static let protobufName = "grpc.reflection.v1.ExtensionNumberResponse"
    var baseTypeName = ""
    var numbers: [Int32] = []

    init(baseTypeName: String = "", numbers: [Int32] = []) {
        self.baseTypeName = baseTypeName
        self.numbers = numbers
    }

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Grpc__Reflection__V1__ExtensionNumberResponse
    >? {
        grpc__reflection__v1__extension_number_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ExtensionNumberResponse>) {
        grpc__reflection__v1__extension_number_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Reflection__V1__ExtensionNumberResponse>) throws(MessageDecodingError) {
        baseTypeName = try ProtobufCCodec.string(
            cMessage.pointee.base_type_name, field: "base_type_name", of: Self.self)
        numbers = ProtobufCCodec.array(cMessage.pointee.n_extension_number, cMessage.pointee.extension_number)
    }

    func fill(
        _ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ExtensionNumberResponse>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.base_type_name = arena.cString(baseTypeName)
        cMessage.pointee.n_extension_number = numbers.count
        cMessage.pointee.extension_number = arena.array(numbers)
    }
}

/// `grpc.reflection.v1.ListServiceResponse`.
private struct ListServiceResponse: ProtobufCCodable {
    static let protobufName = "grpc.reflection.v1.ListServiceResponse"
    var names: [String]

    init(names: [String]) {
        self.names = names
    }

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Grpc__Reflection__V1__ListServiceResponse
    >? {
        grpc__reflection__v1__list_service_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ListServiceResponse>) {
        grpc__reflection__v1__list_service_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Reflection__V1__ListServiceResponse>) throws(MessageDecodingError) {
        names = try ProtobufCCodec.messages(
            cMessage.pointee.n_service, cMessage.pointee.service, as: ServiceResponse.self
        ).map(\.name)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ListServiceResponse>, arena: inout ProtobufCArena)
    {
        cMessage.pointee.n_service = names.count
        cMessage.pointee.service = arena.messages(names.map(ServiceResponse.init(name:)))
    }
}

/// `grpc.reflection.v1.ServiceResponse`.
private struct ServiceResponse: ProtobufCCodable {
    static let protobufName = "grpc.reflection.v1.ServiceResponse"
    var name: String

    init(name: String) {
        self.name = name
    }

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Grpc__Reflection__V1__ServiceResponse
    >? {
        grpc__reflection__v1__service_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ServiceResponse>) {
        grpc__reflection__v1__service_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Reflection__V1__ServiceResponse>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ServiceResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
    }
}

/// `grpc.reflection.v1.ErrorResponse`.
private struct ErrorResponse: ProtobufCCodable {
    static let protobufName = "grpc.reflection.v1.ErrorResponse"
    var code: Int32 = 0
    var message = ""

    init(code: Int32 = 0, message: String = "") {
        self.code = code
        self.message = message
    }

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Grpc__Reflection__V1__ErrorResponse
    >? {
        grpc__reflection__v1__error_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ErrorResponse>) {
        grpc__reflection__v1__error_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Grpc__Reflection__V1__ErrorResponse>) throws(MessageDecodingError) {
        code = cMessage.pointee.error_code
        message = try ProtobufCCodec.string(cMessage.pointee.error_message, field: "error_message", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Grpc__Reflection__V1__ErrorResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.error_code = code
        cMessage.pointee.error_message = arena.cString(message)
    }
}
