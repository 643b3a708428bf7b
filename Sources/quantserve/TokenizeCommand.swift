import ArgumentParser
import Foundation
import Kernels
import Transformer

/// `quantserve tokenize`: token ids of each input line, exactly as the served model makes them.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize one JSON string per input line; print {\"ids\":[...]} per line.")

    @Option(help: "The model version folder, e.g. models/minilm/1.")
    var model: String

    @Option(help: "Read texts from this file instead of standard input.")
    var file: String?

    @Flag(inversion: .prefixedNo, help: "Truncate texts longer than the model's maximum (else they are an error).")
    var truncate = true

    func run() throws {
        let encoder = try BertEncoder(modelDirectory: URL(fileURLWithPath: model), pool: ComputePool(threads: 1))
        try JSONLines.forEachBatch(of: file, batchSize: 256) { texts in
            JSONLines.write(try texts.map { text in
                "{\"ids\":[" + (try encoder.tokenize(text, truncate: truncate)).map(String.init).joined(separator: ",") + "]}"
            })
        }
    }
}
