import Foundation

/// A Hugging Face BERT sentence-transformer folder: `config.json`, `model.safetensors` (fp32,
/// F16 or BF16), `tokenizer.json` or `vocab.txt`, and optionally `sentence_bert_config.json`,
/// `1_Pooling/config.json`, `modules.json`, `tokenizer_config.json` and
/// `config_sentence_transformers.json` (its `prompts` become the manifest's input prefixes).
/// `model_type` "bert" places positions from 0, "xlm-roberta" from `pad_token_id + 1`.
struct HuggingFaceBert {
    let folder: URL
    let config: BertConfig
    let maxSequence: Int
    let normalize: Bool
    let tokenizerURL: URL
    let tokenizer: ModelManifest.TokenizerFile
    let weights: SafetensorsFile
    /// "bert." or "roberta." when the checkpoint names tensors from a task model wrapping the encoder, else "".
    let tensorPrefix: String
    /// Named input prefixes (`prompts` of `config_sentence_transformers.json`).
    let inputPrefixes: [String: String]
    /// The prompt used when none is named (`default_prompt_name`), if any.
    let defaultInputType: String?

    init(folder: URL) throws {
        self.folder = folder
        let configObject = try Self.jsonObject(folder, "config.json", required: true) ?? [:]
        config = try Self.bertConfig(configObject)
        try config.validate()

        let sentenceConfig = try Self.jsonObject(folder, "sentence_bert_config.json", required: false)
        let declaredMax = sentenceConfig?["max_seq_length"] as? Int ?? config.positionCapacity
        guard declaredMax > 0 else {
            throw ModelError.invalidSource("sentence_bert_config.json: max_seq_length \(declaredMax)")
        }
        maxSequence = min(declaredMax, config.positionCapacity)

        let prompts = try Self.jsonObject(folder, "config_sentence_transformers.json", required: false)
        let prefixes = (prompts?["prompts"] as? [String: String] ?? [:]).filter { !$0.value.isEmpty }
        inputPrefixes = prefixes
        defaultInputType = (prompts?["default_prompt_name"] as? String).flatMap { prefixes[$0] == nil ? nil : $0 }

        if let pooling = try Self.jsonObject(folder, "1_Pooling/config.json", required: false) {
            let modes = pooling.filter { $0.key.hasPrefix("pooling_mode_") && ($0.value as? Bool) == true }.map(\.key)
            guard modes == ["pooling_mode_mean_tokens"] else {
                throw ModelError.invalidSource(
                    "1_Pooling/config.json selects \(modes.sorted()); only mean pooling is supported")
            }
        }
        if let data = try? Data(contentsOf: folder.appendingPathComponent("modules.json")),
            let modules = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        {
            normalize = modules.contains { ($0["type"] as? String)?.hasSuffix(".Normalize") == true }
        } else {
            normalize = true
        }

        let manager = FileManager.default
        if manager.fileExists(atPath: folder.appendingPathComponent("tokenizer.json").path) {
            tokenizerURL = folder.appendingPathComponent("tokenizer.json")
            tokenizer = ModelManifest.TokenizerFile(file: "tokenizer.json", lowercase: true)
        } else if manager.fileExists(atPath: folder.appendingPathComponent("vocab.txt").path) {
            tokenizerURL = folder.appendingPathComponent("vocab.txt")
            let tokenizerConfig = try Self.jsonObject(folder, "tokenizer_config.json", required: false)
            tokenizer = ModelManifest.TokenizerFile(
                file: "vocab.txt",
                lowercase: tokenizerConfig?["do_lower_case"] as? Bool ?? true)
        } else {
            throw ModelError.invalidSource("\(folder.path) has neither tokenizer.json nor vocab.txt")
        }

        let weightsURL = folder.appendingPathComponent("model.safetensors")
        guard manager.fileExists(atPath: weightsURL.path) else { throw ModelError.missingFile(weightsURL.path) }
        weights = try SafetensorsFile(url: weightsURL)
        let names = Set(weights.tensors.map(\.name))
        tensorPrefix =
            ["", "bert.", "roberta."].first { names.contains($0 + "embeddings.word_embeddings.weight") } ?? ""
    }

    /// The elements of tensor `name` (without prefix) after checking its shape and that every value is finite.
    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let fullName = tensorPrefix + name
        _ = try weights.info(fullName, dtypes: [.float32, .float16, .bfloat16, .float64], shape: shape)
        let values = try weights.floats(fullName)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.invalidTensorValue(tensor: fullName, reason: "element \(bad) is \(values[bad])")
        }
        return values
    }

    private static func jsonObject(_ folder: URL, _ name: String, required: Bool) throws -> [String: Any]? {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            if required { throw ModelError.missingFile(url.path) }
            return nil
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw ModelError.invalidSource("\(name) is not a JSON object")
        }
        return object
    }

    private static func bertConfig(_ object: [String: Any]) throws -> BertConfig {
        let modelType = object["model_type"] as? String ?? ""
        let positionOffset: Int
        switch modelType {
        case "bert": positionOffset = 0
        case "xlm-roberta":
            guard let pad = object["pad_token_id"] as? Int, pad >= 0 else {
                throw ModelError.invalidSource("config.json: xlm-roberta needs pad_token_id (positions start after it)")
            }
            positionOffset = pad + 1
        default: throw ModelError.unsupportedArchitecture(modelType)
        }
        let activation = object["hidden_act"] as? String ?? "gelu"
        guard activation == "gelu" else {
            throw ModelError.invalidSource(
                "config.json: hidden_act '\(activation)' is not supported (only exact 'gelu')")
        }
        let positions = object["position_embedding_type"] as? String ?? "absolute"
        guard positions == "absolute" else {
            throw ModelError.invalidSource("config.json: position_embedding_type '\(positions)' is not supported")
        }
        func integer(_ key: String) throws -> Int {
            guard let value = object[key] as? Int else {
                throw ModelError.invalidSource("config.json: no integer '\(key)'")
            }
            return value
        }
        return BertConfig(
            hidden: try integer("hidden_size"), layers: try integer("num_hidden_layers"),
            heads: try integer("num_attention_heads"), intermediate: try integer("intermediate_size"),
            vocab: try integer("vocab_size"), maxPosition: try integer("max_position_embeddings"),
            layerNormEps: object["layer_norm_eps"] as? Double ?? 1e-12, positionOffset: positionOffset)
    }
}
