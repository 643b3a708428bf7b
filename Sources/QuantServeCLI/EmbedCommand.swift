import ArgumentParser
import Foundation
import QuantServeKernels
import QuantServeTransformer

/// `quantserve embed --model DIR [--file F]`: one JSON string per input line, one
/// `{"embedding":[...],"token_count":N}` per output line, computed offline in batches.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts offline: one JSON string per line in, one JSON object per line out.")

    @Option(help: "The model version folder (with quantserve.json).")
    var model: String

    @Option(help: "Read texts from this file instead of standard input.")
    var file: String?

    @Option(help: "Texts per batch.")
    var batchSize: Int = 32

    @Option(help: "Threads of the compute pool.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(inversion: .prefixedNo, help: "Cut texts longer than the model's maximum sequence instead of failing.")
    var truncate = true

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        let encoder: BertEncoder
        do {
            encoder = try BertEncoder(modelDirectory: URL(fileURLWithPath: model), pool: ComputePool(threads: threads))
        } catch {
            throw InputLines.fail("cannot load model \(model): \(error)")
        }
        let output = BufferedOutput()
        try InputLines.forEachBatch(file: file, batchSize: batchSize) { batch in
            let sequences = try batch.map { line in
                do {
                    return try encoder.tokenize(line.text, truncate: truncate)
                } catch {
                    throw InputLines.fail("line \(line.number): \(error)")
                }
            }
            for (embedding, sequence) in zip(try encoder.embed(sequences), sequences) {
                output.write("{\"embedding\":[")
                output.write(embedding.map { "\($0)" }.joined(separator: ","))
                output.write("],\"token_count\":\(sequence.count)}\n")
            }
            output.flush()
        }
    }
}
