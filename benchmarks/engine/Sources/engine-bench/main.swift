// engine-bench: sentences/s of BertEncoder for each (threads, batch, length), and the batch-1
// length-16 1-thread latency, one JSON object per line (the format of ort_bench.py).
//
//   engine-bench --model models/minilm/1 [--threads 1 2] [--batches 1 8 32] [--lengths 16 64 128]
//                [--seconds 2] [--repeats 1] [--latency-runs 300] [--threading automatic sequenceGroups rowBlocks intraOp]
//   --repeats R: each configuration measured R times in a row (each `--seconds` long); the line
//   gives the fastest (`sentences_per_second`) and every one (`all`). run.sh takes as many samples
//   per configuration as ort_bench.py takes of ONNX Runtime (its four variants), so that neither
//   engine's best is the best of more draws of the machine's background load.
//   --threading: how each pass spreads over the threads (ForwardThreading); several values are
//   measured one after another for each (threads, batch, length).
import Foundation
import QuantServeKernels
import QuantServeTransformer

struct Options {
    var model = "models/minilm/1"
    var threads = [1, 2]
    var batches = [1, 8, 32]
    var lengths = [16, 64, 128]
    var seconds = 2.0
    var repeats = 1
    var latencyRuns = 300
    var threading: [ForwardThreading] = [.automatic]

    init(arguments: [String]) {
        var index = 0
        func values() -> [String] {
            var found: [String] = []
            while index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                index += 1
                found.append(arguments[index])
            }
            return found
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--model": model = values().first ?? model
            case "--threads": threads = values().compactMap { Int($0) }
            case "--batches": batches = values().compactMap { Int($0) }
            case "--lengths": lengths = values().compactMap { Int($0) }
            case "--seconds": seconds = values().first.flatMap(Double.init) ?? seconds
            case "--repeats": repeats = max(1, values().first.flatMap(Int.init) ?? repeats)
            case "--latency-runs": latencyRuns = values().first.flatMap(Int.init) ?? latencyRuns
            case "--threading": threading = values().compactMap(ForwardThreading.init(rawValue:))
            default:
                FileHandle.standardError.write(Data("engine-bench: unknown argument \(flag)\n".utf8))
                exit(2)
            }
            index += 1
        }
    }
}

/// The inputs ort_bench.py uses: [CLS] (101), deterministic ids in 1000..20999, [SEP] (102).
func tokenIds(batch: Int, length: Int, vocabulary: Int) -> [[UInt32]] {
    (0..<batch).map { sequence in
        [101] + (1..<(length - 1)).map { position in
            UInt32(1000 + (position * 7919 + length * 31 + sequence * 104_729) % min(20000, vocabulary - 1000))
        } + [102]
    }
}

/// CPU time used by this process so far (all threads), in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func emit(_ object: [String: Any]) {
    var data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    data.append(UInt8(ascii: "\n"))
    FileHandle.standardOutput.write(data)
}

/// One timed run of at least `seconds` (and 3 passes): sentences/s, and CPU time per sentence
/// (all threads; on a shared machine, with one thread, the measure least disturbed by other
/// processes; spinning pool threads count in it).
func measure(_ encoder: BertEncoder, _ input: PackedBatch, threading: ForwardThreading, seconds: Double) throws -> (
    sentencesPerSecond: Double, cpuMilliseconds: Double
) {
    var iterations = 0
    let clock = ContinuousClock()
    let cpuStarted = processCPUSeconds()
    let started = clock.now
    var elapsed = 0.0
    repeat {
        _ = try encoder.embedRows(input, threading: threading)
        iterations += 1
        let duration = clock.now - started
        elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    } while elapsed < seconds || iterations < 3
    let sentences = Double(input.count * iterations)
    return (sentences / elapsed, (processCPUSeconds() - cpuStarted) * 1e3 / sentences)
}

let options = Options(arguments: Array(CommandLine.arguments.dropFirst()))
let modelURL = URL(fileURLWithPath: options.model)
emit(["note": "quantserve", "kernel_path": KernelPath.selected.rawValue,
      "attention": AttentionKernel.bf16Allowed ? "bf16" : "fp32"])

for threads in options.threads {
    let encoder = try BertEncoder(modelDirectory: modelURL, pool: ComputePool(threads: threads))
    for length in options.lengths {
        for batch in options.batches {
            let input = PackedBatch(tokenIds(batch: batch, length: length, vocabulary: encoder.manifest.config.vocab))
            for threading in options.threading {
                _ = try encoder.embedRows(input, threading: threading)
                _ = try encoder.embedRows(input, threading: threading)
                let samples = try (0..<options.repeats).map { _ in
                    try measure(encoder, input, threading: threading, seconds: options.seconds)
                }
                let best = samples.max { $0.sentencesPerSecond < $1.sentencesPerSecond }!
                var result: [String: Any] = [
                    "engine": "quantserve", "threads": threads, "batch": batch, "length": length,
                    "sentences_per_second": best.sentencesPerSecond, "cpu_ms_per_sentence": best.cpuMilliseconds]
                if options.repeats > 1 { result["all"] = samples.map(\.sentencesPerSecond) }
                if threading != .automatic { result["threading"] = threading.rawValue }
                emit(result)
            }
        }
    }
}

if options.latencyRuns > 0, options.threads.contains(1) {
    let encoder = try BertEncoder(modelDirectory: modelURL, pool: ComputePool(threads: 1))
    let input = tokenIds(batch: 1, length: 16, vocabulary: encoder.manifest.config.vocab)
    for _ in 0..<20 { _ = try encoder.embed(input) }
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<options.latencyRuns {
        let started = clock.now
        _ = try encoder.embed(input)
        let duration = clock.now - started
        times.append((Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18) * 1e3)
    }
    times.sort()
    emit(["engine": "quantserve", "latency": "batch1-len16-1thread", "p50_ms": times[times.count / 2]])
}
