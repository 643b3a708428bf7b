/// How much one text may make and how much of it is read when it is encoded.
public struct EncodingLimits: Sendable, Hashable {
    /// The most ids an encoding may have, [CLS] and [SEP] included (at least 2).
    public var maxLength: Int
    /// The most UTF-8 bytes of one text. Without truncation a longer text is refused
    /// (`TokenizerError.textTooLarge`); with truncation only its first `maxTextBytes` bytes are
    /// read, cut before the first scalar that does not fit whole.
    public var maxTextBytes: Int

    /// Limits of `maxLength` ids and `maxTextBytes` bytes (no byte limit by default).
    public init(maxLength: Int, maxTextBytes: Int = .max) {
        self.maxLength = maxLength
        self.maxTextBytes = maxTextBytes
    }
}
