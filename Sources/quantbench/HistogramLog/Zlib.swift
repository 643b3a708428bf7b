private import CZlib

/// zlib's one-shot compress and uncompress (the zlib format: header, deflate data, Adler-32),
/// which is what Java's `Deflater` writes into HdrHistogram's compressed encoding.
enum Zlib {
    /// Why zlib refused.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `bytes` compressed at zlib's default level.
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        var capacity = compressBound(UInt(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = compress2(&output, &capacity, bytes, UInt(bytes.count), Z_DEFAULT_COMPRESSION)
        guard status == Z_OK else { throw Failure(description: "zlib compress2 failed (\(status))") }
        return Array(output.prefix(Int(capacity)))
    }

    /// `bytes` uncompressed; refuses output larger than `limit` bytes.
    static func uncompress(_ bytes: [UInt8], limit: Int) throws -> [UInt8] {
        var capacity = max(1_024, bytes.count * 8)
        while true {
            var output = [UInt8](repeating: 0, count: capacity)
            var length = UInt(capacity)
            let status = CZlib.uncompress(&output, &length, bytes, UInt(bytes.count))
            switch status {
            case Z_OK:
                return Array(output.prefix(Int(length)))
            case Z_BUF_ERROR where capacity < limit:
                capacity = min(limit, capacity * 4)
            default:
                throw Failure(description: "zlib uncompress failed (\(status))")
            }
        }
    }
}
