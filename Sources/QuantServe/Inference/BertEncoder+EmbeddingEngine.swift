import Transformer

/// The int8 BERT encoder is the engine of a served model version.
extension BertEncoder: EmbeddingEngine {
    public func inputPrefix(for inputType: String) throws -> String {
        try manifest.inputPrefix(for: inputType)
    }

    public var intents: [IntentClassifier.Intent] {
        manifest.taskHead.intents.map { IntentClassifier.Intent(label: $0.label, examples: $0.examples) }
    }
}
