/// Parses `JinjaPiece`s into a tree of `JinjaNode`s, refusing at once whatever the subset does
/// not support (unknown statements, filters, tests, functions, methods), so a template fails
/// when it is loaded rather than on some request.
struct JinjaParser {
    /// The deepest nesting of blocks and expressions accepted.
    static let maxDepth = 64

    private let pieces: [JinjaPiece]
    private var index = 0

    init(pieces: [JinjaPiece]) {
        self.pieces = pieces
    }

    /// The whole template.
    mutating func parse() throws(JinjaError) -> [JinjaNode] {
        let (body, end) = try block(until: [], depth: 0)
        if let end { throw .syntax("\(end.keyword) without an opening block", offset: end.offset) }
        return body
    }

    /// A statement that ends a block (`endfor`, `elif`, `else`, `endif`), with its tokens.
    private struct BlockEnd {
        var keyword: String
        var tokens: ArraySlice<JinjaToken>
        var offset: Int
    }

    /// Nodes up to one of `terminators` (returned) or the end of the template (nil).
    private mutating func block(until terminators: Set<String>, depth: Int) throws(JinjaError) -> (
        [JinjaNode], BlockEnd?
    ) {
        var nodes: [JinjaNode] = []
        while index < pieces.count {
            let piece = pieces[index]
            index += 1
            switch piece {
            case .text(let text):
                nodes.append(.text(text))
            case .output(let tokens, let offset):
                var expression = JinjaExpressionParser(tokens: tokens[...], offset: offset)
                nodes.append(.output(try expression.parseAll()))
            case .statement(let tokens, let offset):
                guard case .name(let keyword)? = tokens.first?.kind else {
                    throw .syntax("a {% %} tag must start with a statement name", offset: offset)
                }
                let rest = tokens.dropFirst()
                switch keyword {
                case "endfor", "elif", "else", "endif":
                    let end = BlockEnd(keyword: keyword, tokens: rest, offset: offset)
                    guard terminators.contains(keyword) else {
                        throw .syntax("\(keyword) without an opening block", offset: offset)
                    }
                    return (nodes, end)
                case "for":
                    nodes.append(try forLoop(rest, offset: offset, depth: depth + 1))
                case "if":
                    nodes.append(try conditional(rest, offset: offset, depth: depth + 1))
                case "set":
                    nodes.append(try assignment(rest, offset: offset))
                default:
                    throw .syntax(
                        "the statement \(keyword.debugDescription) is not supported by this template subset",
                        offset: offset)
                }
            }
        }
        if !terminators.isEmpty {
            throw .syntax(
                "a block is never closed (expected \(terminators.sorted().joined(separator: " or ")))", offset: Int.max)
        }
        return (nodes, nil)
    }

    private mutating func forLoop(_ tokens: ArraySlice<JinjaToken>, offset: Int, depth: Int) throws(JinjaError)
        -> JinjaNode
    {
        guard depth <= Self.maxDepth else { throw .syntax("blocks nest deeper than \(Self.maxDepth)", offset: offset) }
        guard tokens.count >= 3, case .name(let variable) = tokens[tokens.startIndex].kind,
            tokens[tokens.startIndex + 1].kind == .name("in")
        else {
            throw .syntax("expected {% for name in expression %}", offset: offset)
        }
        var expression = JinjaExpressionParser(tokens: tokens.dropFirst(2), offset: offset)
        let iterable = try expression.parseAll()
        if case .conditional(_, _, otherwise: nil) = iterable {
            throw .syntax(
                "loop filters ({% for x in items if condition %}) are not supported by this template subset",
                offset: offset)
        }
        let (body, end) = try block(until: ["endfor"], depth: depth)
        guard let end, end.tokens.isEmpty else { throw .syntax("expected {% endfor %}", offset: offset) }
        return .forLoop(variable: variable, iterable: iterable, body: body)
    }

    private mutating func conditional(_ tokens: ArraySlice<JinjaToken>, offset: Int, depth: Int) throws(JinjaError)
        -> JinjaNode
    {
        guard depth <= Self.maxDepth else { throw .syntax("blocks nest deeper than \(Self.maxDepth)", offset: offset) }
        var branches: [(condition: JinjaExpression, body: [JinjaNode])] = []
        var conditionTokens = tokens
        var conditionOffset = offset
        while true {
            var expression = JinjaExpressionParser(tokens: conditionTokens, offset: conditionOffset)
            let condition = try expression.parseAll()
            let (body, end) = try block(until: ["elif", "else", "endif"], depth: depth)
            branches.append((condition, body))
            guard let end else { throw .syntax("expected {% endif %}", offset: offset) }
            switch end.keyword {
            case "elif":
                conditionTokens = end.tokens
                conditionOffset = end.offset
            case "else":
                guard end.tokens.isEmpty else { throw .syntax("{% else %} takes nothing", offset: end.offset) }
                let (otherwise, last) = try block(until: ["endif"], depth: depth)
                guard let last, last.tokens.isEmpty else { throw .syntax("expected {% endif %}", offset: offset) }
                return .conditional(branches: branches, otherwise: otherwise)
            default:
                guard end.tokens.isEmpty else { throw .syntax("{% endif %} takes nothing", offset: end.offset) }
                return .conditional(branches: branches, otherwise: [])
            }
        }
    }

    private func assignment(_ tokens: ArraySlice<JinjaToken>, offset: Int) throws(JinjaError) -> JinjaNode {
        guard tokens.count >= 3, case .name(let variable) = tokens[tokens.startIndex].kind,
            tokens[tokens.startIndex + 1].kind == .symbol("=")
        else {
            throw .syntax("expected {% set name = expression %} (block assignments are not supported)", offset: offset)
        }
        var expression = JinjaExpressionParser(tokens: tokens.dropFirst(2), offset: offset)
        return .set(variable: variable, value: try expression.parseAll())
    }
}

/// Parses one expression with Jinja's precedence: `if`/`else`, `or`, `and`, `not`, comparisons
/// and tests, `+ -`, `~`, `* %`, unary minus, then postfix (`.name`, `[ ]`, calls, filters).
struct JinjaExpressionParser {
    private var tokens: ArraySlice<JinjaToken>
    private let offset: Int
    private var depth = 0

    init(tokens: ArraySlice<JinjaToken>, offset: Int) {
        self.tokens = tokens
        self.offset = offset
    }

    /// The expression, which must use every token.
    mutating func parseAll() throws(JinjaError) -> JinjaExpression {
        guard !tokens.isEmpty else { throw .syntax("an expression is missing", offset: offset) }
        let expression = try conditional()
        if let extra = tokens.first {
            throw .syntax("unexpected \(Self.describe(extra)) after an expression", offset: extra.offset)
        }
        return expression
    }

    private mutating func enter() throws(JinjaError) {
        depth += 1
        guard depth <= JinjaParser.maxDepth else {
            throw .syntax("an expression nests deeper than \(JinjaParser.maxDepth)", offset: offset)
        }
    }

    private mutating func conditional() throws(JinjaError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        let value = try or()
        guard accept(.name("if")) else { return value }
        let condition = try or()
        let otherwise = accept(.name("else")) ? try conditional() : nil
        return .conditional(condition: condition, then: value, otherwise: otherwise)
    }

    private mutating func or() throws(JinjaError) -> JinjaExpression {
        var left = try and()
        while accept(.name("or")) { left = .or(left, try and()) }
        return left
    }

    private mutating func and() throws(JinjaError) -> JinjaExpression {
        var left = try not()
        while accept(.name("and")) { left = .and(left, try not()) }
        return left
    }

    private mutating func not() throws(JinjaError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        if accept(.name("not")) { return .unary(.not, try not()) }
        return try comparison()
    }

    private mutating func comparison() throws(JinjaError) -> JinjaExpression {
        var left = try additive()
        while true {
            if let symbol = peekSymbol(), let op = JinjaBinaryOperator(rawValue: symbol),
                [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
            {
                tokens.removeFirst()
                left = .binary(op, left, try additive())
            } else if accept(.name("in")) {
                left = .binary(.contains, left, try additive())
            } else if tokens.count >= 2, tokens.first?.kind == .name("not"),
                tokens.dropFirst().first?.kind == .name("in")
            {
                tokens.removeFirst(2)
                left = .binary(.notContains, left, try additive())
            } else {
                return left
            }
        }
    }

    private mutating func additive() throws(JinjaError) -> JinjaExpression {
        var left = try concatenation()
        while let symbol = peekSymbol(), symbol == "+" || symbol == "-" {
            tokens.removeFirst()
            left = .binary(symbol == "+" ? .add : .subtract, left, try concatenation())
        }
        return left
    }

    private mutating func concatenation() throws(JinjaError) -> JinjaExpression {
        var left = try multiplicative()
        while accept(.symbol("~")) { left = .binary(.concatenate, left, try multiplicative()) }
        return left
    }

    private mutating func multiplicative() throws(JinjaError) -> JinjaExpression {
        var left = try unary()
        while let symbol = peekSymbol(), ["*", "%", "/", "//", "**"].contains(symbol) {
            guard symbol == "*" || symbol == "%" else {
                throw .syntax(
                    "the operator \(symbol) is not supported by this template subset", offset: tokens.first!.offset)
            }
            tokens.removeFirst()
            left = .binary(symbol == "*" ? .multiply : .modulo, left, try unary())
        }
        return left
    }

    private mutating func unary() throws(JinjaError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        if accept(.symbol("-")) { return .unary(.minus, try unary()) }
        return try filtersAndTests(try postfix(try primary()))
    }

    private mutating func primary() throws(JinjaError) -> JinjaExpression {
        guard let token = tokens.popFirst() else { throw .syntax("an expression ends too early", offset: offset) }
        switch token.kind {
        case .string(var value):
            // Adjacent string literals concatenate, as in Python.
            while case .string(let next)? = tokens.first?.kind {
                value += next
                tokens.removeFirst()
            }
            return .literal(.string(value))
        case .integer(let value):
            return .literal(.int(value))
        case .name("true"), .name("True"):
            return .literal(.bool(true))
        case .name("false"), .name("False"):
            return .literal(.bool(false))
        case .name("none"), .name("None"):
            return .literal(.none)
        case .name("raise_exception"):
            let arguments = try callArguments(of: "raise_exception")
            guard arguments.count == 1 else { throw .syntax("raise_exception takes one message", offset: token.offset) }
            return .raise(arguments[0])
        case .name(let name):
            if tokens.first?.kind == .symbol("(") {
                throw .syntax(
                    "the function \(name.debugDescription) is not supported by this template subset",
                    offset: token.offset)
            }
            return .name(name)
        case .symbol("("):
            let inner = try conditional()
            try expect(.symbol(")"))
            return inner
        case .symbol("["):
            var elements: [JinjaExpression] = []
            while !accept(.symbol("]")) {
                if !elements.isEmpty { try expect(.symbol(",")) }
                if accept(.symbol("]")) { break }
                elements.append(try conditional())
            }
            return .list(elements)
        default:
            throw .syntax("unexpected \(Self.describe(token))", offset: token.offset)
        }
    }

    private mutating func postfix(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var base = base
        while true {
            if accept(.symbol(".")) {
                guard case .name(let name)? = tokens.popFirst()?.kind else {
                    throw .syntax("expected an attribute name after .", offset: offset)
                }
                if tokens.first?.kind == .symbol("(") {
                    guard let method = JinjaStringMethod(rawValue: name) else {
                        throw .syntax(
                            "the method \(name.debugDescription) is not supported by this template subset",
                            offset: offset)
                    }
                    base = .method(method, base, arguments: try callArguments(of: name))
                } else {
                    base = .item(base: base, key: .literal(.string(name)))
                }
            } else if accept(.symbol("[")) {
                let start = peekSymbol() == ":" ? nil : try conditional()
                if accept(.symbol(":")) {
                    let end = peekSymbol() == "]" ? nil : try conditional()
                    try expect(.symbol("]"))
                    base = .slice(base: base, start: start, end: end)
                } else {
                    try expect(.symbol("]"))
                    base = .item(base: base, key: start!)
                }
            } else {
                return base
            }
        }
    }

    private mutating func filtersAndTests(_ value: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var value = value
        while true {
            if accept(.symbol("|")) {
                guard let token = tokens.popFirst(), case .name(let name) = token.kind else {
                    throw .syntax("expected a filter name after |", offset: offset)
                }
                guard let filter = JinjaFilter(rawValue: name) else {
                    throw .syntax(
                        "the filter \(name.debugDescription) is not supported by this template subset",
                        offset: token.offset)
                }
                let arguments = tokens.first?.kind == .symbol("(") ? try callArguments(of: name) : []
                value = .filter(filter, value, arguments: arguments)
            } else if accept(.name("is")) {
                let negated = accept(.name("not"))
                guard let token = tokens.popFirst(), case .name(let name) = token.kind else {
                    throw .syntax("expected a test name after is", offset: offset)
                }
                guard let test = JinjaTest(rawValue: name) else {
                    throw .syntax(
                        "the test \(name.debugDescription) is not supported by this template subset",
                        offset: token.offset)
                }
                value = .test(test, value, negated: negated)
            } else {
                return value
            }
        }
    }

    /// `( a, b )` after a callable's name.
    private mutating func callArguments(of name: String) throws(JinjaError) -> [JinjaExpression] {
        try expect(.symbol("("))
        var arguments: [JinjaExpression] = []
        while !accept(.symbol(")")) {
            if !arguments.isEmpty { try expect(.symbol(",")) }
            if tokens.count >= 2, case .name = tokens.first?.kind, tokens.dropFirst().first?.kind == .symbol("=") {
                throw .syntax(
                    "keyword arguments (in \(name)) are not supported by this template subset", offset: offset)
            }
            arguments.append(try conditional())
        }
        return arguments
    }

    private func peekSymbol() -> String? {
        if case .symbol(let symbol)? = tokens.first?.kind { return symbol }
        return nil
    }

    private mutating func accept(_ kind: JinjaToken.Kind) -> Bool {
        guard tokens.first?.kind == kind else { return false }
        tokens.removeFirst()
        return true
    }

    private mutating func expect(_ kind: JinjaToken.Kind) throws(JinjaError) {
        guard let token = tokens.first else {
            throw .syntax("expected \(Self.describe(kind)) but the tag ends", offset: offset)
        }
        guard token.kind == kind else {
            throw .syntax("expected \(Self.describe(kind)), found \(Self.describe(token))", offset: token.offset)
        }
        tokens.removeFirst()
    }

    private static func describe(_ token: JinjaToken) -> String { describe(token.kind) }

    private static func describe(_ kind: JinjaToken.Kind) -> String {
        switch kind {
        case .name(let name): "\(name)"
        case .string(let value): "the string \(value.debugDescription)"
        case .integer(let value): "\(value)"
        case .symbol(let symbol): "'\(symbol)'"
        }
    }
}
