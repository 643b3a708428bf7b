/// Renders a parsed template against a context of variables, with bounds on the output and on
/// the work done (a template's loops only walk the lists it is given, but nested loops multiply).
struct JinjaRenderer {
    /// The most bytes one rendering may produce.
    let maxOutputBytes: Int
    /// The most nodes and expressions one rendering may evaluate.
    let maxSteps: Int

    private var scopes: [[String: JinjaValue]]
    private var output = ""
    private var steps = 0

    init(context: [String: JinjaValue], maxOutputBytes: Int, maxSteps: Int) {
        scopes = [context]
        self.maxOutputBytes = maxOutputBytes
        self.maxSteps = maxSteps
    }

    /// The text of `nodes`.
    mutating func render(_ nodes: [JinjaNode]) throws(JinjaError) -> String {
        try run(nodes)
        return output
    }

    private mutating func step() throws(JinjaError) {
        steps += 1
        guard steps <= maxSteps else { throw .render("rendering takes more than \(maxSteps) steps") }
    }

    private mutating func emit(_ text: String) throws(JinjaError) {
        output += text
        guard output.utf8.count <= maxOutputBytes else {
            throw .render("the rendered text passes \(maxOutputBytes) bytes")
        }
    }

    private mutating func run(_ nodes: [JinjaNode]) throws(JinjaError) {
        for node in nodes {
            try step()
            switch node {
            case .text(let text):
                try emit(text)
            case .output(let expression):
                try emit(try evaluate(expression).printed())
            case .set(let variable, let value):
                scopes[scopes.count - 1][variable] = try evaluate(value)
            case .conditional(let branches, let otherwise):
                var taken = false
                for branch in branches where try evaluate(branch.condition).isTruthy {
                    try run(branch.body)
                    taken = true
                    break
                }
                if !taken { try run(otherwise) }
            case .forLoop(let variable, let iterable, let body):
                let items: [JinjaValue]
                switch try evaluate(iterable) {
                case .list(let list): items = list
                case .string(let string): items = string.map { .string(String($0)) }
                case .dict(let dict): items = dict.keys.sorted().map { .string($0) }
                case .undefined, .none: items = []
                case let other: throw .render("cannot loop over a \(other.typeName)")
                }
                for (index, item) in items.enumerated() {
                    let loop: [String: JinjaValue] = [
                        "index": .int(index + 1), "index0": .int(index), "revindex": .int(items.count - index),
                        "revindex0": .int(items.count - index - 1), "first": .bool(index == 0),
                        "last": .bool(index == items.count - 1), "length": .int(items.count),
                    ]
                    scopes.append([variable: item, "loop": .dict(loop)])
                    defer { scopes.removeLast() }
                    try run(body)
                }
            }
        }
    }

    private func lookup(_ name: String) -> JinjaValue {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        return .undefined
    }

    private mutating func evaluate(_ expression: JinjaExpression) throws(JinjaError) -> JinjaValue {
        try step()
        switch expression {
        case .literal(let value):
            return value
        case .list(let elements):
            var values: [JinjaValue] = []
            for element in elements { values.append(try evaluate(element)) }
            return .list(values)
        case .name(let name):
            return lookup(name)
        case .item(let base, let key):
            return try Self.item(of: try evaluate(base), key: try evaluate(key), describing: base)
        case .slice(let base, let start, let end):
            let startValue = try start.map { (expression) throws(JinjaError) in try evaluate(expression) }
            let endValue = try end.map { (expression) throws(JinjaError) in try evaluate(expression) }
            return try Self.slice(try evaluate(base), start: startValue, end: endValue)
        case .unary(.not, let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .unary(.minus, let operand):
            guard case .int(let value) = try evaluate(operand), value != .min else {
                throw .render("unary minus needs an integer")
            }
            return .int(-value)
        case .and(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            return try otherwise.map { (expression) throws(JinjaError) in try evaluate(expression) } ?? .undefined
        case .binary(let op, let left, let right):
            return try Self.apply(op, try evaluate(left), try evaluate(right))
        case .filter(let filter, let operand, let arguments):
            var values: [JinjaValue] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try Self.apply(filter, try evaluate(operand), arguments: values)
        case .test(let test, let operand, let negated):
            return .bool(Self.apply(test, try evaluate(operand)) != negated)
        case .raise(let message):
            throw .raised(try evaluate(message).printed())
        case .method(let method, let operand, let arguments):
            var values: [JinjaValue] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try Self.apply(method, try evaluate(operand), arguments: values)
        }
    }

    private static func item(of base: JinjaValue, key: JinjaValue, describing expression: JinjaExpression)
        throws(JinjaError) -> JinjaValue
    {
        switch (base, key) {
        case (.dict(let dict), .string(let name)):
            return dict[name] ?? .undefined
        case (.list(let list), .int(let index)):
            let position = index < 0 ? list.count + index : index
            return list.indices.contains(position) ? list[position] : .undefined
        case (.string(let string), .int(let index)):
            let characters = Array(string)
            let position = index < 0 ? characters.count + index : index
            return characters.indices.contains(position) ? .string(String(characters[position])) : .undefined
        case (.undefined, _):
            throw .render(
                "\(describe(expression)) is undefined, so it has no item \((try? key.printed()) ?? key.typeName)")
        default:
            return .undefined
        }
    }

    private static func describe(_ expression: JinjaExpression) -> String {
        switch expression {
        case .name(let name): "'\(name)'"
        case .item(let base, .literal(.string(let key))): "\(describe(base)).\(key)"
        default: "a value"
        }
    }

    private static func slice(_ base: JinjaValue, start: JinjaValue?, end: JinjaValue?) throws(JinjaError) -> JinjaValue
    {
        func bound(_ value: JinjaValue?, count: Int, default fallback: Int) throws(JinjaError) -> Int {
            switch value {
            case nil, .none?: return fallback
            case .int(let index)?: return min(max(index < 0 ? count + index : index, 0), count)
            default: throw .render("slice bounds must be integers")
            }
        }
        switch base {
        case .list(let list):
            let lower = try bound(start, count: list.count, default: 0)
            let upper = try bound(end, count: list.count, default: list.count)
            return .list(lower < upper ? Array(list[lower..<upper]) : [])
        case .string(let string):
            let characters = Array(string)
            let lower = try bound(start, count: characters.count, default: 0)
            let upper = try bound(end, count: characters.count, default: characters.count)
            return .string(lower < upper ? String(characters[lower..<upper]) : "")
        default:
            throw .render("cannot slice a \(base.typeName)")
        }
    }

    private static func apply(_ op: JinjaBinaryOperator, _ left: JinjaValue, _ right: JinjaValue) throws(JinjaError)
        -> JinjaValue
    {
        switch (op, left, right) {
        case (.concatenate, _, _):
            return .string(try left.printed() + right.printed())
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (.add, .int(let a), .int(let b)): return .int(try checked(a.addingReportingOverflow(b)))
        case (.subtract, .int(let a), .int(let b)): return .int(try checked(a.subtractingReportingOverflow(b)))
        case (.multiply, .int(let a), .int(let b)): return .int(try checked(a.multipliedReportingOverflow(by: b)))
        case (.modulo, .int(let a), .int(let b)) where b != 0:
            let remainder = a % b
            return .int(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
        case (.equal, _, _): return .bool(left == right)
        case (.notEqual, _, _): return .bool(left != right)
        case (.less, .int(let a), .int(let b)): return .bool(a < b)
        case (.lessOrEqual, .int(let a), .int(let b)): return .bool(a <= b)
        case (.greater, .int(let a), .int(let b)): return .bool(a > b)
        case (.greaterOrEqual, .int(let a), .int(let b)): return .bool(a >= b)
        case (.less, .string(let a), .string(let b)):
            return .bool(a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars))
        case (.greater, .string(let a), .string(let b)):
            return .bool(b.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars))
        case (.contains, _, _), (.notContains, _, _):
            let found: Bool
            switch (left, right) {
            case (.string(let needle), .string(let haystack)): found = needle.isEmpty || haystack.contains(needle)
            case (_, .list(let list)): found = list.contains(left)
            case (.string(let key), .dict(let dict)): found = dict[key] != nil
            default: throw .render("'in' cannot look for a \(left.typeName) in a \(right.typeName)")
            }
            return .bool(found == (op == .contains))
        default:
            throw .render("the operator \(op.rawValue) does not apply to a \(left.typeName) and a \(right.typeName)")
        }
    }

    private static func checked(_ result: (partialValue: Int, overflow: Bool)) throws(JinjaError) -> Int {
        guard !result.overflow else { throw .render("integer overflow") }
        return result.partialValue
    }

    private static func apply(_ filter: JinjaFilter, _ value: JinjaValue, arguments: [JinjaValue]) throws(JinjaError)
        -> JinjaValue
    {
        switch (filter, value) {
        case (.trim, .string(let text)): return .string(strip(text, leading: true, trailing: true))
        case (.lower, .string(let text)): return .string(text.lowercased())
        case (.upper, .string(let text)): return .string(text.uppercased())
        case (.length, .string(let text)), (.count, .string(let text)): return .int(text.count)
        case (.length, .list(let list)), (.count, .list(let list)): return .int(list.count)
        case (.length, .dict(let dict)), (.count, .dict(let dict)): return .int(dict.count)
        case (.first, .list(let list)): return list.first ?? .undefined
        case (.last, .list(let list)): return list.last ?? .undefined
        case (.string, _): return .string(try value.printed())
        case (.default, .undefined): return arguments.first ?? .string("")
        case (.default, _): return value
        default: throw .render("the filter \(filter.rawValue) does not apply to a \(value.typeName)")
        }
    }

    private static func apply(_ test: JinjaTest, _ value: JinjaValue) -> Bool {
        switch (test, value) {
        case (.defined, .undefined): false
        case (.defined, _): true
        case (.undefined, .undefined): true
        case (.undefined, _): false
        case (.none, .none): true
        case (.string, .string): true
        case (.number, .int): true
        case (.boolean, .bool): true
        case (.mapping, .dict): true
        case (.sequence, .list), (.sequence, .string), (.sequence, .dict): true
        default: false
        }
    }

    private static func apply(_ method: JinjaStringMethod, _ value: JinjaValue, arguments: [JinjaValue])
        throws(JinjaError) -> JinjaValue
    {
        guard case .string(let text) = value else {
            throw .render(".\(method.rawValue)() applies to strings, not to a \(value.typeName)")
        }
        let argument: String?
        switch arguments.first {
        case .string(let value)? where arguments.count == 1: argument = value
        case nil: argument = nil
        default: throw .render(".\(method.rawValue)() was called with unsupported arguments")
        }
        switch (method, argument) {
        case (.strip, nil): return .string(strip(text, leading: true, trailing: true))
        case (.lstrip, nil): return .string(strip(text, leading: true, trailing: false))
        case (.rstrip, nil): return .string(strip(text, leading: false, trailing: true))
        case (.upper, nil): return .string(text.uppercased())
        case (.lower, nil): return .string(text.lowercased())
        case (.startswith, let prefix?): return .bool(text.unicodeScalars.starts(with: prefix.unicodeScalars))
        case (.endswith, let suffix?):
            return .bool(text.unicodeScalars.reversed().starts(with: suffix.unicodeScalars.reversed()))
        default: throw .render(".\(method.rawValue)() was called with unsupported arguments")
        }
    }

    /// Python's `str.strip()` family: whitespace as Python's `str.isspace` sees it.
    private static func strip(_ text: String, leading: Bool, trailing: Bool) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        if leading { while let first = scalars.first, isPythonSpace(first) { scalars.removeFirst() } }
        if trailing { while let last = scalars.last, isPythonSpace(last) { scalars.removeLast() } }
        return String(String.UnicodeScalarView(scalars))
    }

    private static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x1F, 0x20, 0x85: true
        default: scalar.properties.isWhitespace
        }
    }
}
