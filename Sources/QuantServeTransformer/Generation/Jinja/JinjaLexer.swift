/// One token inside a `{{ }}` or `{% %}` tag.
struct JinjaToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case name(String)
        case string(String)
        case integer(Int)
        case symbol(String)
    }

    var kind: Kind
    /// Byte offset in the template source.
    var offset: Int
}

/// A template cut into text and tags, with Jinja's whitespace control applied as Hugging Face
/// configures it for chat templates (`trim_blocks` and `lstrip_blocks` on): `-` inside a tag
/// strips the whitespace on that side; a block or comment tag drops one newline right after it
/// and, alone on its line, the spaces before it; `+` turns either off.
enum JinjaPiece: Sendable {
    case text(String)
    case output([JinjaToken], offset: Int)
    case statement([JinjaToken], offset: Int)
}

/// Cuts a template source into `JinjaPiece`s.
struct JinjaLexer {
    private let bytes: [UInt8]
    private var position = 0
    /// Whether the text that follows starts a line (for `lstrip_blocks`).
    private var lineStarting = true

    private static let symbols2: Set<String> = ["==", "!=", "<=", ">=", "//", "**"]
    private static let symbols1: Set<UInt8> = Set("+-*/%~|.[](),:=<>".utf8)

    init(source: String) {
        bytes = Array(source.utf8)
    }

    /// Every piece of the source, in order.
    mutating func pieces() throws(JinjaError) -> [JinjaPiece] {
        var pieces: [JinjaPiece] = []
        var text: [UInt8] = []
        while position < bytes.count {
            guard bytes[position] == UInt8(ascii: "{"), position + 1 < bytes.count,
                let kind = TagKind(rawValue: bytes[position + 1])
            else {
                text.append(bytes[position])
                position += 1
                continue
            }
            let tagOffset = position
            position += 2
            let marker = position < bytes.count ? bytes[position] : 0
            if marker == UInt8(ascii: "-") {
                while let last = text.last, Self.isWhitespace(last) { text.removeLast() }
                position += 1
            } else if marker == UInt8(ascii: "+") {
                position += 1
            } else if kind != .output {
                stripLineIndentation(&text)
            }
            if !text.isEmpty { pieces.append(.text(String(decoding: text, as: UTF8.self))) }
            text = []
            switch kind {
            case .comment:
                try skipComment(from: tagOffset)
            case .output:
                pieces.append(
                    .output(try tokens(until: "}}", tagOffset: tagOffset, trimsNewline: false), offset: tagOffset))
            case .statement:
                pieces.append(
                    .statement(try tokens(until: "%}", tagOffset: tagOffset, trimsNewline: true), offset: tagOffset))
            }
        }
        if !text.isEmpty { pieces.append(.text(String(decoding: text, as: UTF8.self))) }
        return pieces
    }

    private enum TagKind: UInt8 {
        case output = 123  // {
        case statement = 37  // %
        case comment = 35  // #
    }

    /// `lstrip_blocks`: spaces and tabs between a line's start and a block tag go.
    private func stripLineIndentation(_ text: inout [UInt8]) {
        let lineStart = text.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }
        guard lineStart != nil || lineStarting else { return }
        let start = lineStart ?? 0
        guard start < text.count, text[start...].allSatisfy(Self.isWhitespace) else { return }
        text.removeSubrange(start...)
    }

    /// After a tag's closing delimiter: `-` strips the whitespace that follows, a block or
    /// comment tag drops one newline (unless `+`).
    private mutating func afterTag(strips: Bool, keeps: Bool, trimsNewline: Bool) {
        lineStarting = false
        if strips {
            while position < bytes.count, Self.isWhitespace(bytes[position]) {
                lineStarting = bytes[position] == UInt8(ascii: "\n")
                position += 1
            }
        } else if trimsNewline && !keeps && position < bytes.count && bytes[position] == UInt8(ascii: "\n") {
            position += 1
            lineStarting = true
        }
    }

    private mutating func skipComment(from tagOffset: Int) throws(JinjaError) {
        while position + 1 < bytes.count {
            if bytes[position] == UInt8(ascii: "#") && bytes[position + 1] == UInt8(ascii: "}") {
                let strips = bytes[position - 1] == UInt8(ascii: "-")
                position += 2
                afterTag(strips: strips, keeps: false, trimsNewline: true)
                return
            }
            position += 1
        }
        throw .syntax("a comment {# is never closed", offset: tagOffset)
    }

    /// The tokens of a tag up to its closing `close` ("}}" or "%}"), which it consumes.
    private mutating func tokens(until close: String, tagOffset: Int, trimsNewline: Bool) throws(JinjaError)
        -> [JinjaToken]
    {
        let closing = Array(close.utf8)
        var tokens: [JinjaToken] = []
        while true {
            while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
            guard position < bytes.count else {
                throw .syntax("a tag is never closed with \(close)", offset: tagOffset)
            }
            let start = position
            let byte = bytes[position]
            if matches(closing, at: position) {
                position += 2
                afterTag(strips: false, keeps: false, trimsNewline: trimsNewline)
                return tokens
            }
            if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")) && matches(closing, at: position + 1) {
                position += 3
                afterTag(
                    strips: byte == UInt8(ascii: "-"), keeps: byte == UInt8(ascii: "+"), trimsNewline: trimsNewline)
                return tokens
            }
            if Self.isNameStart(byte) {
                while position < bytes.count, Self.isNameStart(bytes[position]) || Self.isDigit(bytes[position]) {
                    position += 1
                }
                tokens.append(
                    JinjaToken(kind: .name(String(decoding: bytes[start..<position], as: UTF8.self)), offset: start))
            } else if Self.isDigit(byte) {
                var value = 0
                while position < bytes.count, Self.isDigit(bytes[position]) {
                    let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                    guard !overflow, product <= Int.max - 9 else {
                        throw .syntax("an integer literal is too large", offset: start)
                    }
                    value = product + Int(bytes[position] - UInt8(ascii: "0"))
                    position += 1
                }
                if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."), Self.isDigit(bytes[position + 1]) {
                    throw .syntax("float literals are not supported", offset: start)
                }
                tokens.append(JinjaToken(kind: .integer(value), offset: start))
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                tokens.append(JinjaToken(kind: .string(try stringLiteral(quote: byte)), offset: start))
            } else if position + 1 < bytes.count,
                case let pair = String(decoding: bytes[position...position + 1], as: UTF8.self),
                Self.symbols2.contains(pair)
            {
                tokens.append(JinjaToken(kind: .symbol(pair), offset: start))
                position += 2
            } else if Self.symbols1.contains(byte) {
                tokens.append(JinjaToken(kind: .symbol(String(UnicodeScalar(byte))), offset: start))
                position += 1
            } else {
                throw .syntax(
                    "unexpected character \(String(decoding: [byte], as: UTF8.self).debugDescription) in a tag",
                    offset: start)
            }
        }
    }

    /// A quoted string with Python's escapes (`\n`, `\t`, `\r`, `\\`, `\'`, `\"`; others kept).
    private mutating func stringLiteral(quote: UInt8) throws(JinjaError) -> String {
        let start = position
        position += 1
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == quote { return String(decoding: value, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\"), position < bytes.count else {
                value.append(byte)
                continue
            }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
            case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): value.append(escaped)
            default: value += [UInt8(ascii: "\\"), escaped]
            }
        }
        throw .syntax("a string literal is never closed", offset: start)
    }

    private func matches(_ pattern: [UInt8], at offset: Int) -> Bool {
        offset + pattern.count <= bytes.count && bytes[offset..<offset + pattern.count].elementsEqual(pattern)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
