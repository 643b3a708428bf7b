/// Client-controlled text (a `:path`, a header value, a model name) made safe to quote in a
/// status message or a log line: cut to a small length and escaped, so that a client can
/// neither inject a line break into the log nor make the server echo kilobytes back.
public enum ClientText {
    /// The most characters of client text quoted by default.
    public static let defaultLimit = 64

    /// `text` in double quotes, with at most `limit` characters kept (the rest named by their
    /// UTF-8 byte count) and every character outside printable ASCII written as an escape:
    /// `\n`, `\r`, `\t`, `\"`, `\\`, or `\u{XXXX}`.
    public static func quoted(_ text: some StringProtocol, limit: Int = defaultLimit) -> String {
        var result = "\""
        var kept = 0
        var keptBytes = 0
        for scalar in text.unicodeScalars {
            if kept == limit { break }
            result += escaped(scalar)
            kept += 1
            keptBytes += String(scalar).utf8.count
        }
        result += "\""
        let cutBytes = text.utf8.count - keptBytes
        if cutBytes > 0 { result += "…(+\(cutBytes) bytes)" }
        return result
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case " "..."~": return String(scalar)
        default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
}
