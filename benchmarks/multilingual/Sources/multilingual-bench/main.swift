// multilingual-bench: BertEncoder texts/s at batch 32 over a list of token id sequences, and the
// batch-1 p50 latency, one JSON object per line (the format of peers.py).
//
//   multilingual-bench --model models/multilingual/1 --ids ids.json --threads 2 [--seconds 3] [--latency-runs 200]
import Foundation
import QuantServeKernels
import QuantServeTransformer

var model = "models/multilingual/1", idsPath = "", threads = 2, seconds = 3.0, latencyRuns = 200, batchSize = 32
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
    let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
    switch flag {
    case "--model": model = value
    case "--ids": idsPath = value
    case "--threads": threads = Int(value) ?? threads
    case "--seconds": seconds = Double(value) ?? seconds
    case "--latency-runs": latencyRuns = Int(value) ?? latencyRuns
    case "--batch": batchSize = Int(value) ?? batchSize
    default:
        FileHandle.standardError.write(Data("multilingual-bench: unknown argument \(flag)\n".utf8))
        exit(2)
    }
}

func emit(_ object: [String: Any]) {
    var data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    data.append(UInt8(ascii: "\n"))
    FileHandle.standardOutput.write(data)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}

let sequences = try JSONDecoder().decode([[UInt32]].self, from: Data(contentsOf: URL(fileURLWithPath: idsPath)))
let encoder = try BertEncoder(modelDirectory: URL(fileURLWithPath: model), pool: ComputePool(threads: threads))
let batches = stride(from: 0, to: sequences.count, by: batchSize).map { Array(sequences[$0..<min($0 + batchSize, sequences.count)]) }
for batch in batches { _ = try encoder.embed(batch) }

let clock = ContinuousClock()
var texts = 0
let started = clock.now
repeat {
    for batch in batches {
        _ = try encoder.embed(batch)
        texts += batch.count
    }
} while milliseconds(clock.now - started) < seconds * 1e3
emit(["engine": "quantserve", "threads": threads, "batch": batchSize,
      "texts_per_second": Double(texts) / (milliseconds(clock.now - started) / 1e3)])

var times: [Double] = []
for index in 0..<latencyRuns {
    let sequence = sequences[index % sequences.count]
    let begin = clock.now
    _ = try encoder.embed([sequence])
    times.append(milliseconds(clock.now - begin))
}
times.sort()
if !times.isEmpty {
    emit(["engine": "quantserve", "threads": threads, "latency": "batch1", "p50_ms": times[times.count / 2]])
}
emit(["engine": "quantserve", "resident_model_bytes": encoder.memoryBytes])
