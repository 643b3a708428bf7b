import ArgumentParser
import Foundation
import Kernels
import Transformer

/// `quantserve embed`: the offline embedding tool operators use to check a version before it serves.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed one JSON string per input line; print {\"embedding\":[...],\"token_count\":N} per line.")

    @Option(help: "The model version folder, e.g. models/minilm/1.")
    var model: String

    @Option(help: "Read texts from this file instead of standard input.")
    var file: String?

    @Flag(inversion: .prefixedNo, help: "Truncate texts longer than the model's maximum (else they are an error).")
    var truncate = true

    @Option(help: "Threads for the matrix products.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let encoder = try BertEncoder(modelDirectory: URL(fileURLWithPath: model), pool: ComputePool(threads: threads))
        try JSONLines.forEachBatch(of: file, batchSize: 32) { texts in
            let embeddings = try encoder.embed(texts: texts, truncate: truncate)
            JSONLines.write(embeddings.map { embedding in
                "{\"embedding\":[" + embedding.values.map(JSONLines.number).joined(separator: ",")
                    + "],\"token_count\":\(embedding.tokenCount)}"
            })
        }
    }
}
