import ArgumentParser
import Foundation
import QuantServe
import Transformer

/// `quantserve quantize`: turns a Hugging Face BERT folder into a model version folder.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a Hugging Face BERT folder (fp32 safetensors) into models/NAME/VERSION.")

    @Option(help: "The Hugging Face folder: config.json, model.safetensors, tokenizer.json or vocab.txt.")
    var from: String

    @Option(help: "The version folder to write, e.g. models/minilm/2 (must not exist).")
    var to: String

    @Option(help: "An intents file for Classify: {\"intents\":[{\"label\":...,\"examples\":[...]}]}.")
    var intents: String?

    func run() throws {
        var options = QuantizationOptions()
        if let intents {
            let file = try JSONDecoder().decode(IntentClassifier.File.self, from: Data(contentsOf: URL(fileURLWithPath: intents)))
            options.intents = file.intents.map { ModelManifest.Intent(label: $0.label, examples: $0.examples) }
        }
        let manifest = try ModelQuantizer.quantize(from: URL(fileURLWithPath: from), to: URL(fileURLWithPath: to), options: options)
        print("wrote \(to): \(manifest.config.layers) layers, hidden \(manifest.config.hidden), \(options.intents.count) intents")
    }
}
