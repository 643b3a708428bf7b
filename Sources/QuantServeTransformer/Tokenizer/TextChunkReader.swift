/// Reads a text's scalars a chunk at a time, so that encoding can stop once it has made enough
/// tokens and can check for cancellation between chunks.
///
/// A chunk ends just after a scalar the normalizer keeps as whitespace, once it holds at least
/// `minimumChunkScalars` scalars: no word, run of marks or added token (when none is spelled
/// with whitespace) reaches across such a cut, so the chunks encode to exactly the ids of the
/// whole text. Text without such whitespace is one chunk. Reading stops before the first scalar
/// that would take the text past `byteLimit` bytes of UTF-8.
struct TextChunkReader {
    /// The usual chunk length: a few kilobytes, a small fraction of a millisecond to encode.
    static let minimumChunkScalars = 4096

    private let scalars: String.UnicodeScalarView
    private var position: String.UnicodeScalarView.Index
    private var bytesLeft: Int
    private let normalizer: BertNormalizer
    private let cutsAtWhitespace: Bool

    /// A reader of `text` for `normalizer`; `cutsAtWhitespace` false reads it as one chunk.
    init(_ text: String, byteLimit: Int, normalizer: BertNormalizer, cutsAtWhitespace: Bool) {
        scalars = text.unicodeScalars
        position = scalars.startIndex
        bytesLeft = byteLimit
        self.normalizer = normalizer
        self.cutsAtWhitespace = cutsAtWhitespace
    }

    /// Replaces `chunk` with the next chunk; false when the text (or its byte allowance) is used up.
    mutating func read(into chunk: inout [Unicode.Scalar]) -> Bool {
        chunk.removeAll(keepingCapacity: true)
        while position < scalars.endIndex {
            let scalar = scalars[position]
            let width = UTF8.width(scalar)
            guard width <= bytesLeft else {
                position = scalars.endIndex
                break
            }
            bytesLeft -= width
            chunk.append(scalar)
            scalars.formIndex(after: &position)
            if cutsAtWhitespace, chunk.count >= Self.minimumChunkScalars, normalizer.keepsAsWhitespace(scalar) {
                break
            }
        }
        return !chunk.isEmpty
    }
}
