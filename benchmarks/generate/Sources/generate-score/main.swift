// generate-score: the scorer that benchmarks/generate/compare.py's perplexity mode talks to
// (protocol in README.md): JSON lines on stdin, one answer line each on stdout, in order.
//   {"tokenize": TEXT}        → {"token_ids": [...]}   the GGUF's BPE tokenizer, nothing added
//   {"score": IDS, "from": F} → {"logprobs": [...]}    ln softmax(logits at i)[IDS[i+1]] for i ≥ F,
//                                                        IDS evaluated as one fresh sequence
// The logits come from LlamaDecoder configured as `quantserve serve` runs it by default (4-bit
// decode steps, the down projection's input at 16 bits): positions before F are one prefill step
// (int8), then one token per step (4-bit), each step's last-token logits scoring the next id.
//
//   generate-score --model FILE.gguf [--threads 2] [--no-four-bit-decode] [--no-precise-down-projection]
import Foundation
import QuantServeKernels
import QuantServeTransformer

var modelPath = ""
var threads = 2
var preciseDownProjection = true
var fourBitDecode = true
var arguments = Array(CommandLine.arguments.dropFirst())[...]
while let flag = arguments.popFirst() {
    switch flag {
    case "--model": modelPath = arguments.popFirst() ?? ""
    case "--threads": threads = arguments.popFirst().flatMap(Int.init) ?? threads
    case "--no-precise-down-projection": preciseDownProjection = false
    case "--no-four-bit-decode": fourBitDecode = false
    default:
        FileHandle.standardError.write(Data("generate-score: unknown argument \(flag)\n".utf8))
        exit(2)
    }
}
guard !modelPath.isEmpty else {
    FileHandle.standardError.write(Data("generate-score: --model FILE.gguf is required\n".utf8))
    exit(2)
}

let file = try GGUFFile(url: URL(fileURLWithPath: modelPath))
let tokenizer = try BPETokenizer(gguf: file)
let model = try LlamaModel(gguf: file, fourBitDecode: fourBitDecode)
let decoder = LlamaDecoder(model: model, cacheBlocks: (model.configuration.contextLength + 15) / 16,
                           pool: ComputePool(threads: threads), preciseDownProjection: preciseDownProjection)

func answer(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data(#"{"error": "unencodable answer"}"#.utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// ln softmax(logits)[token], with the maximum subtracted and the sum in Double.
func logProbability(_ logits: [Float], of token: UInt32) -> Double {
    let maximum = Double(logits.max() ?? 0)
    let sum = logits.reduce(0.0) { $0 + exp(Double($1) - maximum) }
    return Double(logits[Int(token)]) - maximum - log(sum)
}

func score(_ ids: [UInt32], from first: Int) throws -> [Double] {
    guard first >= 0, first < ids.count - 1 else { throw ScoreError("from must be in 0..<\(ids.count - 1)") }
    guard ids.allSatisfy({ Int($0) < decoder.vocabularySize }) else { throw ScoreError("a token id is past the vocabulary") }
    let sequence = decoder.openSequence()
    defer { decoder.closeSequence(sequence) }
    guard decoder.reserve(sequence, tokens: ids.count) else { throw ScoreError("\(ids.count) tokens do not fit the context") }
    var logits = try decoder.step([DecoderStepEntry(sequence: sequence, tokens: Array(ids[...first]))])[0]
    var result: [Double] = []
    for position in first..<(ids.count - 1) {
        result.append(logProbability(logits, of: ids[position + 1]))
        if position + 1 < ids.count - 1 {
            logits = try decoder.step([DecoderStepEntry(sequence: sequence, tokens: [ids[position + 1]])])[0]
        }
    }
    return result
}

struct ScoreError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

while let line = readLine() {
    guard let request = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
        answer(["error": "not a JSON object"])
        continue
    }
    if let text = request["tokenize"] as? String {
        answer(["token_ids": tokenizer.encode(text)])
    } else if let ids = request["score"] as? [Int], let first = request["from"] as? Int {
        do {
            guard ids.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }) else { throw ScoreError("negative token id") }
            answer(["logprobs": try score(ids.map { UInt32($0) }, from: first)])
        } catch {
            answer(["error": "\(error)"])
        }
    } else {
        answer(["error": "expected {\"tokenize\": text} or {\"score\": ids, \"from\": F}"])
    }
}
