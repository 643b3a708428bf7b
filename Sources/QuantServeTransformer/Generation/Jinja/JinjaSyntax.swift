/// A parsed template: text, output, for and if blocks, and assignments.
indirect enum JinjaNode: Sendable {
    case text(String)
    case output(JinjaExpression)
    case forLoop(variable: String, iterable: JinjaExpression, body: [JinjaNode])
    case conditional(branches: [(condition: JinjaExpression, body: [JinjaNode])], otherwise: [JinjaNode])
    case set(variable: String, value: JinjaExpression)
}

/// A parsed expression.
indirect enum JinjaExpression: Sendable {
    case literal(JinjaValue)
    case list([JinjaExpression])
    case name(String)
    /// `base.name` and `base['name']`, `base[index]`.
    case item(base: JinjaExpression, key: JinjaExpression)
    /// `base[start:end]`.
    case slice(base: JinjaExpression, start: JinjaExpression?, end: JinjaExpression?)
    case unary(JinjaUnaryOperator, JinjaExpression)
    case binary(JinjaBinaryOperator, JinjaExpression, JinjaExpression)
    case and(JinjaExpression, JinjaExpression)
    case or(JinjaExpression, JinjaExpression)
    /// `then if condition else otherwise` (no else: undefined).
    case conditional(condition: JinjaExpression, then: JinjaExpression, otherwise: JinjaExpression?)
    case filter(JinjaFilter, JinjaExpression, arguments: [JinjaExpression])
    case test(JinjaTest, JinjaExpression, negated: Bool)
    /// `raise_exception(message)`.
    case raise(JinjaExpression)
    /// A string method such as `text.strip()`.
    case method(JinjaStringMethod, JinjaExpression, arguments: [JinjaExpression])
}

enum JinjaUnaryOperator: Sendable { case not, minus }

enum JinjaBinaryOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case modulo = "%"
    case concatenate = "~"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains = "in"
    case notContains = "not in"
}

/// The filters of the subset.
enum JinjaFilter: String, Sendable, CaseIterable {
    case trim, length, count, lower, upper, first, last, string, `default`
}

/// The tests (`x is defined`) of the subset.
enum JinjaTest: String, Sendable, CaseIterable {
    case defined, undefined, none, string, number, boolean, mapping, sequence
}

/// The string methods of the subset.
enum JinjaStringMethod: String, Sendable, CaseIterable {
    case strip, lstrip, rstrip, upper, lower, startswith, endswith
}
