/// Reads a text's scalars a chunk at a time for the Unigram tokenizer, so that encoding can stop
/// once it has made enough tokens and can check for cancellation between chunks.
///
/// A chunk ends, once it holds at least `minimumChunkScalars` scalars, just before a space
/// (U+0020) that stands between two scalars of `quietASCII`: ASCII that normalization leaves
/// alone. The space then starts the next chunk's first word, no grapheme, run of spaces or
/// word reaches across the cut, and the chunks encode to exactly the ids of the whole text.
/// Text without such a space is one chunk. Reading stops before the first scalar that would
/// take the text past `byteLimit` bytes of UTF-8.
struct SpaceCutChunkReader {
    /// The usual chunk length: a few kilobytes, a small fraction of a millisecond to encode.
    static let minimumChunkScalars = 4096

    private let scalars: String.UnicodeScalarView
    private var position: String.UnicodeScalarView.Index
    private var bytesLeft: Int
    /// Bit `n` is set for the ASCII scalar `n` when a cut may touch it; nil reads one chunk.
    private let quietASCII: (low: UInt64, high: UInt64)?

    /// A reader of `text`; `quietASCII` nil reads it as one chunk.
    init(_ text: String, byteLimit: Int, quietASCII: (low: UInt64, high: UInt64)?) {
        scalars = text.unicodeScalars
        position = scalars.startIndex
        bytesLeft = byteLimit
        self.quietASCII = quietASCII
    }

    /// Replaces `chunk` with the next chunk; false when the text (or its byte allowance) is used up.
    mutating func read(into chunk: inout [Unicode.Scalar]) -> Bool {
        chunk.removeAll(keepingCapacity: true)
        while position < scalars.endIndex {
            let scalar = scalars[position]
            if scalar == " ", chunk.count >= Self.minimumChunkScalars, isQuiet(chunk.last) {
                let next = scalars.index(after: position)
                if next < scalars.endIndex, isQuiet(scalars[next]) { break }
            }
            let width = UTF8.width(scalar)
            guard width <= bytesLeft else {
                position = scalars.endIndex
                break
            }
            bytesLeft -= width
            chunk.append(scalar)
            scalars.formIndex(after: &position)
        }
        return !chunk.isEmpty
    }

    @inline(__always)
    private func isQuiet(_ scalar: Unicode.Scalar?) -> Bool {
        guard let quietASCII, let value = scalar?.value, value < 128 else { return false }
        return value < 64 ? quietASCII.low >> value & 1 != 0 : quietASCII.high >> (value - 64) & 1 != 0
    }
}
