// Times WordPieceTokenizer.encode on one text and prints one JSON line:
//
//   tokenizer-bench --tokenizer PATH/tokenizer.json --text marks|ordinary --size N [--truncate]
//
// `marks`: "a" + N×U+0301 + N×U+0316 (combining marks out of canonical order);
// `ordinary`: customer-service sentences repeated to N bytes. Without --truncate the whole text
// is encoded (no length limit); with it, the first 256 ids are kept, as the server does. Only
// `init(tokenizerJSON:maxLength:)` and `encode(_:truncate:)` are used, so the same source
// builds against an older checkout for a before/after comparison (run.sh --before).
// The QuantServeTransformer module is optimized even in debug builds, so a debug build measures it fairly.
import Foundation
import QuantServeTransformer

func value(of option: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: option), index + 1 < CommandLine.arguments.count else { return nil }
    return CommandLine.arguments[index + 1]
}

guard let tokenizerPath = value(of: "--tokenizer"), let kind = value(of: "--text"),
      let size = value(of: "--size").flatMap(Int.init), ["marks", "ordinary"].contains(kind)
else {
    FileHandle.standardError.write(Data("usage: tokenizer-bench --tokenizer FILE --text marks|ordinary --size N [--truncate]\n".utf8))
    exit(2)
}
let truncate = CommandLine.arguments.contains("--truncate")

let text: String
if kind == "marks" {
    text = "a" + String(repeating: "\u{301}", count: size) + String(repeating: "\u{316}", count: size)
} else {
    let sentences = "Where is my order #A-10293? It was due on Tuesday. I want a refund for the broken lamp, "
        + "mon colis n'est pas arrivé, 我的订单在哪里？ Please reset my password; the app says error 0x80070005. "
    text = String(String(repeating: sentences, count: size / sentences.utf8.count + 1).utf8.prefix(size))!
}

let tokenizer = try WordPieceTokenizer(tokenizerJSON: URL(fileURLWithPath: tokenizerPath),
                                       maxLength: truncate ? 256 : Int.max / 2)
let clock = ContinuousClock()
var best = Duration.seconds(1_000_000)
var runs = 0
var total = Duration.zero
var ids: [UInt32] = []
// At least one run; more while they add up to under half a second (best of up to 20).
repeat {
    let start = clock.now
    ids = try tokenizer.encode(text, truncate: truncate)
    let elapsed = start.duration(to: clock.now)
    best = min(best, elapsed)
    total += elapsed
    runs += 1
} while total < .milliseconds(500) && runs < 20

let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
print(#"{"text": "\#(kind)", "size": \#(size), "bytes": \#(text.utf8.count), "truncate": \#(truncate), "#
    + #""ids": \#(ids.count), "runs": \#(runs), "seconds": \#(seconds)}"#)
