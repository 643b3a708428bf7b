import Foundation
import QuantServeTestSupport
import QuantServeTransformer
import Testing

/// The Jinja subset against jinja2 configured as Hugging Face's `apply_chat_template` does
/// (`Tests/Python/chat_template_oracle.py`): SmolLM2's own template read from its GGUF, and
/// small templates that exercise the rest of the subset.
struct ChatTemplateTests {
    struct Case: Codable {
        var template: String
        var messages: [[String: String]]
        var add_generation_prompt: Bool
        var bos_token = "<|im_start|>"
        var eos_token = "<|im_end|>"
    }

    struct OracleResult: Codable {
        var text: String?
        var error: String?
    }

    static let chats: [[[String: String]]] = [
        [["role": "user", "content": "Where is my parcel?"]],
        [["role": "system", "content": "You answer in French."], ["role": "user", "content": "Bonjour !"]],
        [
            ["role": "user", "content": "Hi"], ["role": "assistant", "content": "Hello! How can I help?"],
            ["role": "user", "content": "  Refund order 42, café ☕ 退款 \n"],
        ],
        [["role": "user", "content": ""]],
        [],
    ]

    /// Templates beyond ChatML: whitespace control, trim_blocks/lstrip_blocks, elif, loop
    /// variables, set, filters, tests, slices, `in`, `~`, string methods, raise_exception.
    static let templates = [
        """
        {{ bos_token }}
        {% for message in messages %}
            {% if message.role == 'system' %}
        [SYS] {{ message.content | trim }}
            {% elif message['role'] == "user" %}
        [U{{ loop.index }}/{{ loop.length }}] {{- message.content|trim -}} !
            {% else %}
        [A] {{ message.content ~ ' ' ~ eos_token }}
            {%- endif %}
        {% endfor %}
        {% if add_generation_prompt %}[A] {% endif %}
        """,
        """
        {%- set system = messages[0].content if messages and messages[0].role == 'system' else 'default system' -%}
        <<{{ system }}>>
        {%- for message in (messages[1:] if messages and messages[0].role == 'system' else messages) %}
        {# a comment #}
        {{ loop.index0 % 2 }}:{{ message.role | upper }}:{{ message.content.strip() }}:{{ message.content | length }}
        {%- if loop.last and not add_generation_prompt %} (last){% endif %}
        {%- if 'Hi' in message.content or message.content.startswith('Where') %} greeting{% endif %}
        {%- endfor %}
        {{- messages | length }} {{ foo is defined }} {{ bos_token is string }} {{ (messages | length) * 2 - 1 }}
        """,
        """
        {% for message in messages %}{% if message.role not in ['system', 'user', 'assistant'] %}{{ raise_exception('bad role ' + message.role) }}{% endif %}{% if message.role == 'assistant' and loop.first %}{{ raise_exception('Conversation must start with a user or system turn') }}{% endif %}[{{ message.role }}]{{ message.content }}{% endfor %}
        """,
    ]

    @Test func rendersLikeJinja2() throws {
        let smolLM2 = try smolLM2Template()
        var cases: [Case] = []
        for template in [smolLM2] + Self.templates {
            for chat in Self.chats {
                for prompt in [true, false] {
                    cases.append(Case(template: template, messages: chat, add_generation_prompt: prompt))
                }
            }
        }
        cases.append(
            Case(
                template: Self.templates[2], messages: [["role": "assistant", "content": "x"]],
                add_generation_prompt: true))
        let expected = try oracle(cases)
        #expect(expected.count == cases.count)
        for (index, (testCase, oracle)) in zip(cases, expected).enumerated() {
            let template = try ChatTemplate(
                source: testCase.template, beginToken: testCase.bos_token, endToken: testCase.eos_token)
            let messages = testCase.messages.map { ChatTemplate.Message(role: $0["role"]!, content: $0["content"]!) }
            switch Result(catching: { () throws(JinjaError) in
                try template.render(messages, addGenerationPrompt: testCase.add_generation_prompt)
            }) {
            case .success(let text):
                #expect(text == oracle.text, "case \(index)")
            case .failure(let error):
                #expect(error == .raised(oracle.error ?? ""), "case \(index)")
            }
        }
        #expect(expected.contains { $0.error != nil }, "raise_exception is exercised")
    }

    /// SmolLM2's template from its GGUF, read by our reader and matching gguf's.
    @Test func smolLM2TemplateIsChatML() throws {
        let file = try GGUFFile(url: try GGUFReaderTests.smolLM2())
        let template = try ChatTemplate(gguf: file)
        #expect(try file.string("tokenizer.chat_template") == smolLM2Template())
        #expect(template.endToken == "<|im_end|>")
        let text = try template.render([.init(role: "user", content: "Hi")])
        #expect(
            text
                == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test(arguments: [
        ("{% macro m() %}{% endmacro %}", "macro"),
        ("{{ messages | tojson }}", "tojson"),
        ("{{ namespace(x=1) }}", "namespace"),
        ("{% for m in messages if m.role %}{% endfor %}", "loop filters"),
        ("{{ 1.5 }}", "float"),
        ("{% if x %}", "never closed"),
        ("{% endif %}", "without an opening"),
        ("{{ x.items() }}", "items"),
        ("{{ x", "never closed"),
        ("{{ 'a' }", "unexpected character"),
        ("{{ x / 2 }}", "/"),
    ])
    func refusesUnsupportedConstructsAtLoad(source: String, mentioned: String) {
        #expect {
            _ = try JinjaTemplate(source: source)
        } throws: { error in
            guard case JinjaError.syntax(let message, _) = error else { return false }
            return message.contains(mentioned)
        }
    }

    @Test func boundsNestingOutputAndSource() throws {
        let deep = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        #expect(throws: JinjaError.self) { _ = try JinjaTemplate(source: "{{ \(deep) }}") }
        let blocks = String(repeating: "{% if true %}", count: 100) + String(repeating: "{% endif %}", count: 100)
        #expect(throws: JinjaError.self) { _ = try JinjaTemplate(source: blocks) }
        #expect(throws: JinjaError.self) {
            _ = try JinjaTemplate(source: String(repeating: "x", count: JinjaTemplate.maxSourceBytes + 1))
        }
        let loops = try JinjaTemplate(
            source: "{% for a in messages %}{% for b in messages %}{{ a ~ b }}{% endfor %}{% endfor %}")
        let many = JinjaValue.list((0..<2000).map { .int($0) })
        #expect(throws: JinjaError.self) { _ = try loops.render(["messages": many], maxOutputBytes: 1 << 20) }
    }

    private func smolLM2Template() throws -> String {
        String(
            decoding: try PythonScript.run(
                "chat_template_oracle.py", arguments: ["gguf-template", try GGUFReaderTests.smolLM2().path]),
            as: UTF8.self)
    }

    private func oracle(_ cases: [Case]) throws -> [OracleResult] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chat-cases-\(UUID()).json")
        try JSONEncoder().encode(cases).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try JSONDecoder().decode(
            [OracleResult].self, from: PythonScript.run("chat_template_oracle.py", arguments: ["render", file.path]))
    }
}
