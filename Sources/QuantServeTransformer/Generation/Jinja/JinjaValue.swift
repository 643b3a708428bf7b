/// A value inside a Jinja template: what Python values a chat template sees (strings, integers,
/// booleans, None, lists, dicts) plus Jinja's undefined.
public enum JinjaValue: Sendable, Equatable {
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case string(String)
    case list([JinjaValue])
    case dict([String: JinjaValue])

    /// Python's truthiness: empty strings, lists and dicts, 0, None and undefined are false.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .string(let value): !value.isEmpty
        case .list(let value): !value.isEmpty
        case .dict(let value): !value.isEmpty
        }
    }

    /// The name of the value's type in error messages.
    var typeName: String {
        switch self {
        case .undefined: "undefined"
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .string: "string"
        case .list: "list"
        case .dict: "dict"
        }
    }

    /// The text `{{ value }}` prints (as Jinja prints Python's `str`); lists and dicts are refused.
    func printed() throws(JinjaError) -> String {
        switch self {
        case .undefined: ""
        case .none: "None"
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .string(let value): value
        case .list, .dict: throw .render("a \(typeName) cannot be printed in this template subset")
        }
    }
}
