import ArgumentParser
import Foundation
import QuantServe
import QuantServeTransformer

/// `quantserve quantize --from HF_DIR --to models/NAME/VERSION`: writes a QuantServe model folder.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a Hugging Face BERT sentence-transformer folder into a QuantServe model version folder.")

    @Option(help: "The Hugging Face folder (config.json, model.safetensors, tokenizer.json or vocab.txt).")
    var from: String

    @Option(help: "The model version folder to create, e.g. models/minilm/1; it must not exist.")
    var to: String

    @Option(
        help:
            "Comma-separated linear layers to keep in fp32: attention.qkv, attention.output, ffn.up, ffn.down, or all.")
    var floatLayers: String = ""

    @Option(help: "SmoothQuant migration strength for int8 layers (0...1).")
    var smoothingAlpha: Double = 0.5

    @Flag(help: "Quantize without activation smoothing.")
    var noSmoothing = false

    @Option(
        help:
            "Input channels per int8 attention.qkv, attention.output and ffn.down layer run in fp32 beside the GEMM (the largest after smoothing; 0: none)."
    )
    var outlierChannels: Int = 2

    @Flag(
        help:
            "Keep the word embeddings in F32 instead of int8 rows with a scale per row (F32 anyway with --float-layers all)."
    )
    var floatWordEmbeddings = false

    @Option(
        help:
            "An intents file for Classify, the head named \"intents\": {\"intents\":[{\"label\":...,\"examples\":[...]}]}."
    )
    var intents: String?

    @Option(
        name: .customLong("head"),
        help:
            "Another classification head, NAME=FILE with FILE {\"labels\":[{\"label\":...,\"examples\":[...]}]} (repeatable)."
    )
    var heads: [String] = []

    @Option(
        help:
            "A knowledge base for Answer: {\"entries\":[{\"id\":...,\"language\":...,\"questions\":[...],\"answer\":...}]}."
    )
    var knowledgeBase: String?

    @Option(help: "The cosine similarity from which Answer calls its best match confident (-1...1).")
    var answerThreshold: Float = 0.8

    @Option(help: "Threads for the calibration pass.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        var options = QuantizationOptions(
            smoothingAlpha: noSmoothing ? nil : smoothingAlpha, threads: threads,
            int8WordEmbeddings: floatWordEmbeddings ? false : nil, outlierChannels: outlierChannels)
        options.floatLayers = try parseFloatLayers()
        options.heads = try parseHeads()
        if let knowledgeBase {
            options.knowledgeBase = (URL(fileURLWithPath: knowledgeBase), answerThreshold)
        }
        let started = Date()
        do {
            let manifest = try ModelQuantizer.quantize(
                from: URL(fileURLWithPath: from), to: URL(fileURLWithPath: to),
                options: options)
            let seconds = Date().timeIntervalSince(started)
            print(
                "quantized \(from) into \(to) in \(String(format: "%.1f", seconds)) s: \(manifest.config.layers) layers, "
                    + "hidden \(manifest.config.hidden), max sequence \(manifest.maxSequence)")
            for (name, digest) in manifest.files.sorted(by: { $0.key < $1.key }) {
                print("  \(name)  sha256 \(digest)")
            }
        } catch {
            FileHandle.standardError.write(Data("quantserve quantize: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// `--intents` first (named "intents"), then every `--head NAME=FILE` in order.
    private func parseHeads() throws -> [ModelManifest.LabelSet] {
        var heads: [(name: String, file: String)] = intents.map { [(ModelManifest.LabelSet.intentsName, $0)] } ?? []
        for argument in self.heads {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw ValidationError("--head takes NAME=FILE, got '\(argument)'")
            }
            heads.append((String(argument[..<equals]), String(argument[argument.index(after: equals)...])))
        }
        return try heads.map { head in
            do {
                return ModelManifest.LabelSet(
                    name: head.name, labels: try LabelSetFile.load(URL(fileURLWithPath: head.file)).labels)
            } catch {
                throw ValidationError("cannot read the label set file \(head.file) of head '\(head.name)': \(error)")
            }
        }
    }

    private func parseFloatLayers() throws -> Set<LinearRole> {
        let names = floatLayers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        if names == ["all"] { return Set(LinearRole.allCases) }
        return Set(
            try names.map { name in
                guard let role = LinearRole(rawValue: name) else {
                    throw ValidationError("unknown layer '\(name)' in --float-layers")
                }
                return role
            })
    }
}
