import Foundation
import SwiftProtobuf

/// `testing.v1.EchoRequest`, written by hand in the shape protoc-gen-swift gives.
struct EchoRequest: Sendable {
    var message = ""
    var delayMs: UInt32 = 0
    var failWithCode: UInt32 = 0
    var count: UInt32 = 0
    var payload = Data()
    var unknownFields = UnknownStorage()

    init() {}
}

extension EchoRequest: Message, _MessageImplementationBase, _ProtoNameProviding {
    static let protoMessageName = "testing.v1.EchoRequest"
    static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}message\0\u{3}delay_ms\0\u{3}fail_with_code\0\u{1}count\0\u{1}payload\0")

    mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularStringField(value: &message)
            case 2: try decoder.decodeSingularUInt32Field(value: &delayMs)
            case 3: try decoder.decodeSingularUInt32Field(value: &failWithCode)
            case 4: try decoder.decodeSingularUInt32Field(value: &count)
            case 5: try decoder.decodeSingularBytesField(value: &payload)
            default: break
            }
        }
    }

    func traverse<V: Visitor>(visitor: inout V) throws {
        if !message.isEmpty { try visitor.visitSingularStringField(value: message, fieldNumber: 1) }
        if delayMs != 0 { try visitor.visitSingularUInt32Field(value: delayMs, fieldNumber: 2) }
        if failWithCode != 0 { try visitor.visitSingularUInt32Field(value: failWithCode, fieldNumber: 3) }
        if count != 0 { try visitor.visitSingularUInt32Field(value: count, fieldNumber: 4) }
        if !payload.isEmpty { try visitor.visitSingularBytesField(value: payload, fieldNumber: 5) }
        try unknownFields.traverse(visitor: &visitor)
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.message == rhs.message && lhs.delayMs == rhs.delayMs && lhs.failWithCode == rhs.failWithCode
            && lhs.count == rhs.count && lhs.payload == rhs.payload && lhs.unknownFields == rhs.unknownFields
    }
}

/// `testing.v1.EchoResponse`.
struct EchoResponse: Sendable {
    var message = ""
    var payload = Data()
    var index: UInt32 = 0
    var unknownFields = UnknownStorage()

    init() {}
}

extension EchoResponse: Message, _MessageImplementationBase, _ProtoNameProviding {
    static let protoMessageName = "testing.v1.EchoResponse"
    static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}message\0\u{1}payload\0\u{1}index\0")

    mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularStringField(value: &message)
            case 2: try decoder.decodeSingularBytesField(value: &payload)
            case 3: try decoder.decodeSingularUInt32Field(value: &index)
            default: break
            }
        }
    }

    func traverse<V: Visitor>(visitor: inout V) throws {
        if !message.isEmpty { try visitor.visitSingularStringField(value: message, fieldNumber: 1) }
        if !payload.isEmpty { try visitor.visitSingularBytesField(value: payload, fieldNumber: 2) }
        if index != 0 { try visitor.visitSingularUInt32Field(value: index, fieldNumber: 3) }
        try unknownFields.traverse(visitor: &visitor)
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.message == rhs.message && lhs.payload == rhs.payload && lhs.index == rhs.index && lhs.unknownFields == rhs.unknownFields
    }
}
