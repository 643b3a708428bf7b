// Fuzzes the WordPiece tokenizer with its BERT normalizer, over the default model's
// tokenizer.json (models/minilm/1, made by scripts/fetch-default-model.sh). For any bytes:
// - invalid UTF-8 is refused with invalidUTF8, whatever the length limit;
// - valid text gives [CLS] ... [SEP] with every id below the vocabulary size, the same from
//   bytes as from a String;
// - with a length limit, truncation keeps exactly the first tokens of the unlimited encoding
//   (then [SEP]), and without truncation a longer text is refused with its full token count;
// - with a byte limit and truncation, the ids are those of the text cut at that limit.
//
// Input: [limit selector: bit 0 = truncate, the rest picks the limit] [UTF-8 text...]
import Foundation
import FuzzSupport
import QuantServeTransformer

private let tokenizerFile = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("models/minilm/1/tokenizer.json")

private func loadTokenizer(maxLength: Int) -> WordPieceTokenizer {
    do {
        return try WordPieceTokenizer(tokenizerJSON: tokenizerFile, maxLength: maxLength)
    } catch {
        fatalError("cannot load \(tokenizerFile.path) (scripts/fetch-default-model.sh makes it): \(error)")
    }
}

/// A tokenizer whose limit no fuzz input reaches: its encodings are the reference.
private let unlimited = loadTokenizer(maxLength: 1 << 30)
/// Tokenizers with small limits, to reach truncation with short texts, and the served one.
private let limited = [2, 3, 5, 16, WordPieceTokenizer.defaultMaxLength].map(loadTokenizer(maxLength:))
private let classifierId = unlimited.tokenId(for: "[CLS]")!
private let separatorId = unlimited.tokenId(for: "[SEP]")!

@main
enum TokenizerFuzzer {
    static func main() {
        LibFuzzer.run(fuzzTokenizer)
    }
}

/// One fuzz input, as libFuzzer passes it.
private func fuzzTokenizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.byte()
    let truncate = selector & 1 == 1
    let tokenizer = limited[Int(selector >> 1) % limited.count]
    let bytes = input.remainingBytes()

    let full: [UInt32]
    do {
        full = try unlimited.encode(bytes: bytes, truncate: false)
    } catch let error as TokenizerError {
        guard case .invalidUTF8 = error else {
            fuzzCheck(false, "the unlimited tokenizer failed with \(error)")
            return 0
        }
        var limitedError: TokenizerError?
        do { _ = try tokenizer.encode(bytes: bytes, truncate: truncate) } catch { limitedError = error as? TokenizerError }
        fuzzCheck(limitedError == error, "invalid UTF-8 gave \(error) without a limit but \(String(describing: limitedError)) with one")
        return 0
    } catch {
        fuzzCheck(false, "unexpected error \(error)")
        return 0
    }

    fuzzCheck(full.count >= 2 && full.first == classifierId && full.last == separatorId, "not [CLS] ... [SEP]: \(full)")
    fuzzCheck(full.allSatisfy { Int($0) < unlimited.vocabularySize }, "an id is outside the vocabulary: \(full)")
    let text = String(decoding: bytes, as: UTF8.self)
    fuzzCheck((try? unlimited.encode(text, truncate: false)) == full, "the String and the bytes encode differently")

    // A byte limit with truncation reads the text cut before the first scalar that does not fit.
    let byteLimit = bytes.count / 2
    var fitting = ""
    for scalar in text.unicodeScalars {
        guard fitting.utf8.count + String(scalar).utf8.count <= byteLimit else { break }
        fitting.unicodeScalars.append(scalar)
    }
    let cut = try? unlimited.encode(text, truncate: true, limits: EncodingLimits(maxLength: 1 << 30, maxTextBytes: byteLimit),
                                    isCancelled: { false })
    fuzzCheck(cut == (try? unlimited.encode(fitting, truncate: false)), "a byte limit of \(byteLimit) does not read the text cut there")

    let limit = tokenizer.maxLength
    let expected = full.count <= limit ? full : Array(full[..<(limit - 1)]) + [separatorId]
    do {
        let ids = try tokenizer.encode(bytes: bytes, truncate: truncate)
        fuzzCheck(truncate || full.count <= limit, "\(full.count) tokens passed a limit of \(limit) without truncation")
        fuzzCheck(ids == expected, "with a limit of \(limit) the ids are \(ids), expected \(expected)")
    } catch {
        let tooLong = TokenizerError.tooLong(tokens: full.count, limit: limit)
        fuzzCheck(!truncate && (error as? TokenizerError) == tooLong, "with a limit of \(limit): \(error), expected \(tooLong)")
    }
    return 0
}
