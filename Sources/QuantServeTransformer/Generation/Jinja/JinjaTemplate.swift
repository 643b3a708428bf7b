/// A Jinja template in the small subset that chat templates use, parsed once (refusing
/// unsupported constructs then) and rendered many times: text, `{{ }}`, `{% for %}` (with
/// `loop.first`, `loop.last`, `loop.index`...), `{% if %}`/`elif`/`else`, `{% set %}`, comments,
/// whitespace control as Hugging Face sets it (`trim_blocks`, `lstrip_blocks`), literals,
/// variables, `.name` and `[key]`, slices, `+ - * % ~`, comparisons, `in`, `and or not`,
/// `x if c else y`, the filters of `JinjaFilter`, the tests of `JinjaTest`, the string methods
/// of `JinjaStringMethod` and `raise_exception`.
public struct JinjaTemplate: Sendable {
    /// The longest template source accepted.
    public static let maxSourceBytes = 64 * 1024

    private let nodes: [JinjaNode]

    /// Parses `source`; throws `JinjaError.syntax` for anything outside the subset.
    public init(source: String) throws(JinjaError) {
        guard source.utf8.count <= Self.maxSourceBytes else {
            throw .syntax("the template has \(source.utf8.count) bytes, more than \(Self.maxSourceBytes)", offset: 0)
        }
        var lexer = JinjaLexer(source: source)
        var parser = JinjaParser(pieces: try lexer.pieces())
        nodes = try parser.parse()
    }

    /// The text of the template with `context`'s variables; at most `maxOutputBytes` bytes,
    /// and at most `maxSteps` nodes and expressions evaluated.
    public func render(_ context: [String: JinjaValue], maxOutputBytes: Int = 16 << 20, maxSteps: Int = 4_000_000)
        throws(JinjaError) -> String
    {
        var renderer = JinjaRenderer(context: context, maxOutputBytes: maxOutputBytes, maxSteps: maxSteps)
        return try renderer.render(nodes)
    }
}
