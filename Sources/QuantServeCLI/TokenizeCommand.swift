import ArgumentParser
import Foundation
import QuantServeTransformer

/// `quantserve tokenize --model DIR [--file F]`: one JSON string per input line, one
/// `{"ids":[...]}` per output line, exactly as the model's tokenizer makes them.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize texts with a model's tokenizer: one JSON string per line in, {\"ids\":[...]} per line out.")

    @Option(help: "The model version folder (with quantserve.json).")
    var model: String

    @Option(help: "Read texts from this file instead of standard input.")
    var file: String?

    @Flag(inversion: .prefixedNo, help: "Cut texts longer than the model's maximum sequence instead of failing.")
    var truncate = true

    func run() throws {
        let tokenizer: ModelTokenizer
        do {
            tokenizer = try ModelTokenizer(modelDirectory: URL(fileURLWithPath: model))
        } catch {
            throw InputLines.fail("cannot load the tokenizer of \(model): \(error)")
        }
        let output = BufferedOutput()
        try InputLines.forEachBatch(file: file, batchSize: 256) { batch in
            for line in batch {
                let ids: [UInt32]
                do {
                    ids = try tokenizer.encode(line.text, truncate: truncate)
                } catch {
                    throw InputLines.fail("line \(line.number): \(error)")
                }
                output.write("{\"ids\":[\(ids.map(String.init).joined(separator: ","))]}\n")
            }
            output.flush()
        }
    }
}
