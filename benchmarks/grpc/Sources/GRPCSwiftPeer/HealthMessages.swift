import SwiftProtobuf

/// `grpc.health.v1.HealthCheckRequest`, written by hand in the shape protoc-gen-swift gives.
struct HealthCheckRequest: Sendable {
    var service = ""
    var unknownFields = UnknownStorage()

    init() {}
}

extension HealthCheckRequest: Message, _MessageImplementationBase, _ProtoNameProviding {
    static let protoMessageName = "grpc.health.v1.HealthCheckRequest"
    static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}service\0")

    mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            if fieldNumber == 1 { try decoder.decodeSingularStringField(value: &service) }
        }
    }

    func traverse<V: Visitor>(visitor: inout V) throws {
        if !service.isEmpty { try visitor.visitSingularStringField(value: service, fieldNumber: 1) }
        try unknownFields.traverse(visitor: &visitor)
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.service == rhs.service && lhs.unknownFields == rhs.unknownFields
    }
}

/// `grpc.health.v1.HealthCheckResponse`; the status enum is kept as its wire number
/// (1 is SERVING), which encodes exactly as the enum does.
struct HealthCheckResponse: Sendable {
    var status: Int32 = 0
    var unknownFields = UnknownStorage()

    init() {}
}

extension HealthCheckResponse: Message, _MessageImplementationBase, _ProtoNameProviding {
    static let protoMessageName = "grpc.health.v1.HealthCheckResponse"
    static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}status\0")

    mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            if fieldNumber == 1 { try decoder.decodeSingularInt32Field(value: &status) }
        }
    }

    func traverse<V: Visitor>(visitor: inout V) throws {
        if status != 0 { try visitor.visitSingularInt32Field(value: status, fieldNumber: 1) }
        try unknownFields.traverse(visitor: &visitor)
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.unknownFields == rhs.unknownFields
    }
}
