/// Bounds on the repeated fields of a `ModelInferRequest`, checked on its wire bytes before
/// protobuf-c unpacks it: protobuf-c allocates a structure for every entry of a repeated field,
/// so a few wire bytes per entry could otherwise make it allocate tens of times the message's size.
enum ModelInferRequestWireLimits {
    /// Inputs, requested outputs, and `raw_input_contents` entries.
    static let maxTensors = 16
    /// Entries of one `parameters` map.
    static let maxParameters = 64
    /// Dimensions of one input's shape.
    static let maxShapeDims = 16
    /// Entries of one input's `contents.bytes_contents`.
    static let maxElements = InferenceRequestLimits.maxTexts

    private static let messageName = "inference.ModelInferRequest"

    /// Throws when `bytes` hold more entries than the limits allow, or typed contents other
    /// than `bytes_contents` (QuantServe's only input is BYTES).
    static func check(_ bytes: [UInt8]) throws(MessageDecodingError) {
        var counts = FieldCounts(
            limits: [4: maxParameters, 5: maxTensors, 6: maxTensors, 7: maxTensors],
            names: [4: "parameters", 5: "inputs", 6: "outputs", 7: "raw_input_contents"])
        try walk(bytes, bytes.indices) { (field, wireType, value) throws(MessageDecodingError) in
            try counts.count(field)
            if field == 5 && wireType == 2 { try checkInput(bytes, value) }
            if field == 6 && wireType == 2 { try checkParameters(bytes, value, parametersField: 2, of: "outputs") }
        }
    }

    private static func checkInput(_ bytes: [UInt8], _ range: Range<Int>) throws(MessageDecodingError) {
        var counts = FieldCounts(limits: [4: maxParameters], names: [4: "inputs.parameters"])
        var dims = 0
        try walk(bytes, range) { (field, wireType, value) throws(MessageDecodingError) in
            try counts.count(field)
            switch (field, wireType) {
            case (3, 0): dims += 1
            case (3, 2): dims += bytes[value].count { $0 & 0x80 == 0 }  // packed varints
            case (5, 2): try checkContents(bytes, value)
            default: break
            }
            guard dims <= maxShapeDims else {
                throw failure("an input's shape has more than \(maxShapeDims) dimensions")
            }
        }
    }

    private static func checkContents(_ bytes: [UInt8], _ range: Range<Int>) throws(MessageDecodingError) {
        var elements = 0
        try walk(bytes, range) { (field, _, _) throws(MessageDecodingError) in
            guard field == 8 else {
                throw failure(
                    "an input's contents hold field \(field); the only input, TEXT, is BYTES: use bytes_contents")
            }
            elements += 1
            guard elements <= maxElements else {
                throw failure("an input's bytes_contents holds more than \(maxElements) elements")
            }
        }
    }

    private static func checkParameters(
        _ bytes: [UInt8], _ range: Range<Int>, parametersField: UInt64,
        of name: String
    ) throws(MessageDecodingError) {
        var counts = FieldCounts(
            limits: [parametersField: maxParameters], names: [parametersField: "\(name).parameters"])
        try walk(bytes, range) { (field, _, _) throws(MessageDecodingError) in try counts.count(field) }
    }

    /// Calls `visit` with each field's number, wire type and value bytes in `range`.
    private static func walk(
        _ bytes: [UInt8], _ range: Range<Int>,
        _ visit: (UInt64, UInt64, Range<Int>) throws(MessageDecodingError) -> Void
    ) throws(MessageDecodingError) {
        var position = range.lowerBound
        while position < range.upperBound {
            guard let tag = ProtobufWireScan.varint(bytes, at: &position, end: range.upperBound),
                let value = ProtobufWireScan.value(ofWireType: tag & 7, in: bytes, at: &position, end: range.upperBound)
            else { throw failure("a field is truncated or has a wire type protobuf does not use") }
            try visit(tag >> 3, tag & 7, value)
        }
    }

    /// Occurrences of the limited fields of one message.
    private struct FieldCounts {
        let limits: [UInt64: Int]
        let names: [UInt64: String]
        var counts: [UInt64: Int] = [:]

        init(limits: [UInt64: Int], names: [UInt64: String]) {
            self.limits = limits
            self.names = names
        }

        mutating func count(_ field: UInt64) throws(MessageDecodingError) {
            guard let limit = limits[field] else { return }
            let count = counts[field, default: 0] + 1
            counts[field] = count
            guard count <= limit else {
                throw failure("\(names[field] ?? "field \(field)") has more than \(limit) entries")
            }
        }
    }

    private static func failure(_ reason: String) -> MessageDecodingError {
        MessageDecodingError(messageName: messageName, reason: reason)
    }
}
