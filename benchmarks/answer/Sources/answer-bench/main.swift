// answer-bench: latency of one exact top-k knowledge-base search (KnowledgeBaseIndex) on the
// calling thread, over `--entries` entries of `--questions` question variants each, one JSON
// object per line.
//
//   answer-bench [--entries 100000] [--questions 1] [--dimensions 384] [--top-k 5] [--queries 300]
//                [--layout random|clustered]
//
// "clustered" draws every embedding near one of 64 centres (as real sentence embeddings of one
// domain are): more scores fall within the int8 error of the k-th best, so more rows are rescored.
import Foundation
import QuantServeKernels
import QuantServeSeededRandom
import QuantServeTransformer

var entries = 100_000, questions = 1, dimensions = 384, topK = 5, queries = 300, layout = "random"
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
    let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
    switch flag {
    case "--entries": entries = Int(value) ?? entries
    case "--questions": questions = Int(value) ?? questions
    case "--dimensions": dimensions = Int(value) ?? dimensions
    case "--top-k": topK = Int(value) ?? topK
    case "--queries": queries = Int(value) ?? queries
    case "--layout": layout = value
    default: FileHandle.standardError.write(Data("answer-bench: unknown argument \(flag)\n".utf8)); exit(2)
    }
}

func normalized(_ values: [Float]) -> [Float] {
    let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return values.map { $0 / norm }
}

var random = SeededGenerator(seed: 42)
let centres = (0..<64).map { _ in (0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) } }
@MainActor func vector() -> [Float] {
    if layout == "clustered" {
        let centre = centres[Int.random(in: 0..<centres.count, using: &random)]
        return normalized(centre.map { $0 + 0.6 * Float.random(in: -1...1, using: &random) })
    }
    return normalized((0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) })
}

var vectors: [Float] = []
vectors.reserveCapacity(entries * questions * dimensions)
var base: [KnowledgeBase.Entry] = []
for entry in 0..<entries {
    base.append(KnowledgeBase.Entry(id: "e\(entry)", language: "en", questions: (0..<questions).map { "q\($0)" }, answer: "a"))
    for _ in 0..<questions { vectors += vector() }
}
let built = ContinuousClock.now
let index = KnowledgeBaseIndex(base: try KnowledgeBase(entries: base), threshold: 0.8, dimensions: dimensions, vectors: vectors)
let buildSeconds = Double((ContinuousClock.now - built).components.attoseconds) * 1e-18
    + Double((ContinuousClock.now - built).components.seconds)

let probes = (0..<queries).map { _ in vector() }
for probe in probes.prefix(10) { _ = index.search(probe, topK: topK) }
func milliseconds(_ duration: Duration) -> Double {
    (Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18) * 1e3
}
var times: [Double] = []
var bruteForceTimes: [Double] = []
var mismatches = 0
for (number, probe) in probes.enumerated() {
    let started = ContinuousClock.now
    let result = index.search(probe, topK: topK)
    times.append(milliseconds(ContinuousClock.now - started))
    if number < 30 {  // interleaved, so both meet the same machine load
        let bruteStarted = ContinuousClock.now
        if result != index.bruteForceSearch(probe, topK: topK) { mismatches += 1 }
        bruteForceTimes.append(milliseconds(ContinuousClock.now - bruteStarted))
    }
}
times.sort()
bruteForceTimes.sort()
let line: [String: Any] = [
    "engine": "quantserve", "kernel_path": KernelPath.selected.rawValue, "layout": layout, "entries": entries,
    "rows": index.rowCount, "dimensions": dimensions, "top_k": topK, "queries": queries,
    "p50_ms": times[times.count / 2], "p99_ms": times[min(times.count - 1, times.count * 99 / 100)],
    "index_bytes": index.memoryBytes, "build_seconds": buildSeconds, "mismatches_vs_fp32_brute_force_of_30": mismatches,
    "fp32_brute_force_p50_ms": bruteForceTimes[bruteForceTimes.count / 2],
]
var data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
data.append(UInt8(ascii: "\n"))
FileHandle.standardOutput.write(data)
