// generate-bench: llama-bench's two numbers for LlamaDecoder — prefill tokens/s (one prompt of
// --prompt tokens in one step) and decode tokens/s (--generate steps of one token per stream after
// a prompt of --decode-prompt tokens, for each --streams count, batched in one step) — per thread
// count, plus the int8 weight bytes one decode token reads. One JSON object per line; after each
// thread count a "targets" line with the three figures issue 12's targets name (with the defaults:
// prefill 512, decode of 1 stream, aggregate decode of 16 streams with prompt 128 / generate 128).
//
//   generate-bench --model FILE.gguf [--threads 1 2] [--prompt 512] [--decode-prompt 128]
//                  [--generate 128] [--streams 1 16] [--repetitions 2] [--four-bit]
// --four-bit keeps the blocks' Q4_1 weights at 4 bits for decode steps of up to 4 tokens
// (LlamaModel fourBitDecode; --four-bit-max-tokens N moves that bound).
import Foundation
import QuantServeKernels
import QuantServeTransformer

struct Options {
    var model = ""
    var threads = [1, 2]
    var prompt = 512
    var decodePrompt = 128
    var generate = 128
    var streams = [1, 16]
    var repetitions = 2
    var fourBit = false
    var fourBitMaximumTokens = 4

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
            case "--prompt": prompt = values().first.flatMap(Int.init) ?? prompt
            case "--decode-prompt": decodePrompt = max(1, values().first.flatMap(Int.init) ?? decodePrompt)
            case "--generate": generate = values().first.flatMap(Int.init) ?? generate
            case "--streams": streams = values().compactMap { Int($0) }
            case "--four-bit": fourBit = true
            case "--four-bit-max-tokens":
                fourBitMaximumTokens = values().first.flatMap(Int.init) ?? fourBitMaximumTokens
            case "--repetitions": repetitions = max(1, values().first.flatMap(Int.init) ?? repetitions)
            default:
                FileHandle.standardError.write(Data("generate-bench: unknown argument \(flag)\n".utf8))
                exit(2)
            }
            index += 1
        }
        if model.isEmpty {
            FileHandle.standardError.write(Data("generate-bench: --model FILE.gguf is required\n".utf8))
            exit(2)
        }
    }
}

/// Deterministic prompt tokens (as llama-bench, content does not matter for speed).
func promptTokens(_ count: Int, seed: Int, vocabulary: Int) -> [UInt32] {
    (0..<count).map { UInt32(100 + ($0 * 7919 + seed * 104_729) % (vocabulary - 100)) }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU seconds of the whole process so far (every thread): on a loaded machine, where wall time
/// includes waiting for a core, the CPU time of a phase tells its cost.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The index of the largest logit (the first on ties).
func argmax(_ row: [Float]) -> Int {
    row.withUnsafeBufferPointer { values in
        var best = 0
        for index in 1..<values.count where values[index] > values[best] { best = index }
        return best
    }
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let options = Options(arguments: Array(CommandLine.arguments.dropFirst()))
let loadTime = DispatchTime.now().uptimeNanoseconds
let model = try LlamaModel(
    gguf: GGUFFile(url: URL(fileURLWithPath: options.model)), fourBitDecode: options.fourBit)
let vocabulary = model.configuration.vocabularySize
emit(["model": options.model, "kernel_path": model.path.rawValue, "four_bit_decode": options.fourBit,
      "load_seconds": Double(DispatchTime.now().uptimeNanoseconds - loadTime) / 1e9,
      "int8_weight_bytes_per_token": model.int8WeightBytesPerToken, "weights_memory_bytes": model.memoryBytes])

for threads in options.threads {
    let pool = ComputePool(threads: threads)
    let maximumStreams = options.streams.max() ?? 1
    let blocksPerStream = (max(options.prompt, options.decodePrompt + options.generate) + 15) / 16
    let decoder = LlamaDecoder(
        model: model, cacheBlocks: blocksPerStream * maximumStreams, pool: pool,
        fourBitMaximumTokens: options.fourBitMaximumTokens)

    // Prefill: one prompt in one step, best of the repetitions (after one warm-up).
    var best = Double.infinity
    for repetition in 0...options.repetitions {
        let sequence = decoder.openSequence()
        precondition(decoder.reserve(sequence, tokens: options.prompt))
        let tokens = promptTokens(options.prompt, seed: repetition, vocabulary: vocabulary)
        let time = try seconds { _ = try decoder.step([DecoderStepEntry(sequence: sequence, tokens: tokens)]) }
        decoder.closeSequence(sequence)
        if repetition > 0 { best = min(best, time) }
    }
    emit(["test": "prefill", "threads": threads, "prompt": options.prompt, "seconds": best,
          "tokens_per_second": Double(options.prompt) / best, "kv_bytes_per_token": decoder.kvBytesPerToken])

    var targets: [String: Any] = [
        "test": "targets", "threads": threads, "prefill_tokens": options.prompt,
        "prefill_tokens_per_second": Double(options.prompt) / best,
        "decode_prompt_tokens": options.decodePrompt, "decode_generated_tokens": options.generate,
    ]

    // Decode: `streams` sequences after a prompt of `decodePrompt` tokens (prefilled together, not
    // timed), one token each per step.
    for streams in options.streams {
        let sequences = (0..<streams).map { _ in decoder.openSequence() }
        var next: [[UInt32]] = sequences.indices.map {
            promptTokens(options.decodePrompt, seed: $0, vocabulary: vocabulary)
        }
        for sequence in sequences {
            precondition(decoder.reserve(sequence, tokens: options.decodePrompt + options.generate))
        }
        /// One step, timed; the greedy choice of the next tokens is not.
        func run() throws -> Double {
            var logits: [[Float]] = []
            let time = try seconds { logits = try decoder.step(zip(sequences, next).map { DecoderStepEntry(sequence: $0, tokens: $1) }) }
            next = logits.map { [UInt32(argmax($0))] }
            return time
        }
        _ = try run()  // the prompts
        var time = 0.0
        let cpuStart = processCPUSeconds()
        for _ in 0..<options.generate { time += try run() }
        let cpuSeconds = processCPUSeconds() - cpuStart
        for sequence in sequences { decoder.closeSequence(sequence) }
        emit(["test": "decode", "threads": threads, "streams": streams, "steps": options.generate, "seconds": time,
              "tokens_per_second": Double(streams * options.generate) / time,
              "step_milliseconds": time / Double(options.generate) * 1000,
              "cpu_milliseconds_per_step": cpuSeconds / Double(options.generate) * 1000])
        targets["decode_\(streams)_streams_tokens_per_second"] = Double(streams * options.generate) / time
    }
    emit(targets)
}
