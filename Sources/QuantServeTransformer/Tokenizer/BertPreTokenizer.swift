/// The `BertPreTokenizer` of Hugging Face `tokenizers`: words are split on whitespace (which
/// is dropped) and every punctuation character becomes a word of its own.
struct BertPreTokenizer: Sendable {
    private let table = BertUnicodeTable.shared

    /// Calls `body` with each word of `text`, as UTF-8 plus its scalar count, in order, until
    /// `body` returns false. `wordBuffer` is scratch space for the UTF-8.
    func forEachWord(
        in text: ArraySlice<Unicode.Scalar>,
        wordBuffer: inout [UInt8],
        _ body: (_ word: ArraySlice<UInt8>, _ scalarCount: Int) -> Bool
    ) {
        wordBuffer.removeAll(keepingCapacity: true)
        var scalarCount = 0
        for scalar in text {
            let flags = table.flags(of: scalar)
            if flags.contains(.whitespace) || flags.contains(.punctuation) {
                if scalarCount > 0 {
                    guard body(wordBuffer[...], scalarCount) else { return }
                    wordBuffer.removeAll(keepingCapacity: true)
                    scalarCount = 0
                }
                if flags.contains(.punctuation) {
                    Self.appendUTF8(of: scalar, to: &wordBuffer)
                    guard body(wordBuffer[...], 1) else { return }
                    wordBuffer.removeAll(keepingCapacity: true)
                }
            } else {
                Self.appendUTF8(of: scalar, to: &wordBuffer)
                scalarCount += 1
            }
        }
        if scalarCount > 0 {
            _ = body(wordBuffer[...], scalarCount)
        }
    }

    @inline(__always)
    private static func appendUTF8(of scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
        if scalar.isASCII {
            buffer.append(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            UTF8.encode(scalar) { buffer.append($0) }
        }
    }
}
