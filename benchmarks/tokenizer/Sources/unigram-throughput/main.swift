// Tokens per second of a tokenizer.json (of either kind, as the server loads it) over a corpus,
// one text at a time on one thread, and prints one JSON line:
//
//   unigram-throughput --tokenizer PATH/tokenizer.json --corpus PATH/corpus.json
//
// The corpus is a JSON list of texts (throughput.py writes it). Every text is encoded whole
// (no length limit); the best of up to 5 passes (while they add up to under 3 s) counts.
import Foundation
import QuantServeTransformer

func value(of option: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: option), index + 1 < CommandLine.arguments.count else { return nil }
    return CommandLine.arguments[index + 1]
}

guard let tokenizerPath = value(of: "--tokenizer"), let corpusPath = value(of: "--corpus") else {
    FileHandle.standardError.write(Data("usage: unigram-throughput --tokenizer FILE --corpus FILE\n".utf8))
    exit(2)
}
let texts = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: corpusPath)))
let tokenizer = try TextTokenizers.load(tokenizerJSONData: Data(contentsOf: URL(fileURLWithPath: tokenizerPath)))
let limits = EncodingLimits(maxLength: .max)
let clock = ContinuousClock()
var best = Duration.seconds(1_000_000)
var total = Duration.zero
var passes = 0
var tokens = 0
repeat {
    tokens = 0
    let start = clock.now
    for text in texts {
        tokens += try tokenizer.encode(text, truncate: false, limits: limits, isCancelled: { false }).count
    }
    let elapsed = start.duration(to: clock.now)
    best = min(best, elapsed)
    total += elapsed
    passes += 1
} while total < .seconds(3) && passes < 5

let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
print(#"{"engine": "quantserve", "texts": \#(texts.count), "tokens": \#(tokens), "passes": \#(passes), "#
    + #""seconds": \#(seconds), "tokens_per_second": \#(Double(tokens) / seconds)}"#)
