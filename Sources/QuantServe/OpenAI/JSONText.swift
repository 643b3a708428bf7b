import Foundation

/// Writes JSON text straight into bytes: faster than `JSONEncoder` for long float arrays,
/// which dominate embedding responses. Floats are written in their shortest form that reads
/// back to the same `Float`.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    var data: Data { Data(bytes) }

    init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// `{ ... }` whose members `body` writes as `key` then value.
    mutating func object(_ body: (inout JSONText) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// `[ ... ]` whose elements `body` writes.
    mutating func array(_ body: (inout JSONText) -> Void) {
        open(UInt8(ascii: "["))
        body(&self)
        close(UInt8(ascii: "]"))
    }

    /// A member name; the next value written is its value.
    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": bytes.append(contentsOf: Array(#"\""#.utf8))
            case "\\": bytes.append(contentsOf: Array(#"\\"#.utf8))
            case "\n": bytes.append(contentsOf: Array(#"\n"#.utf8))
            case "\r": bytes.append(contentsOf: Array(#"\r"#.utf8))
            case "\t": bytes.append(contentsOf: Array(#"\t"#.utf8))
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                bytes.append(contentsOf: Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8))
            default: bytes.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { literal("null") }
    }

    mutating func integer(_ value: Int) {
        literal(String(value))
    }

    /// A finite float (an infinite or NaN one, which JSON cannot hold, is written as null).
    mutating func float(_ value: Float) {
        literal(value.isFinite ? value.description : "null")
    }

    private mutating func literal(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
