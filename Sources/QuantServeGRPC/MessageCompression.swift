private import CZlib

/// Compression of gRPC messages on zlib, for `grpc-encoding` gzip and deflate (zlib format).
package enum MessageCompression {
    /// `bytes` compressed with `encoding`; nil for identity, when zlib fails (it is out of
    /// memory), or when compressing does not make the message smaller: the message then goes
    /// out uncompressed (compressed flag 0), which the spec allows under any `grpc-encoding`.
    package static func compress(_ bytes: [UInt8], with encoding: MessageEncoding) -> [UInt8]? {
        guard encoding != .identity else { return nil }
        var stream = z_stream()
        let started = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, encoding.zlibWindowBits, 8,
            Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard started == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        // Smaller than the input or not worth sending compressed.
        let capacity = bytes.count
        guard capacity > 0 else { return nil }
        var finished = false
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            bytes.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(capacity)
                finished = deflate(&stream, Z_FINISH) == Z_STREAM_END
                initialized = capacity - Int(stream.avail_out)
            }
        }
        return finished && output.count < bytes.count ? output : nil
    }
}

/// Inflates one compressed message into memory bounded by `maxBytes`: zlib writes at most 64 KiB
/// per step and never past `maxBytes + 1` bytes in all, so a message whose decompressed size
/// passes the limit (a zip bomb) is refused with RESOURCE_EXHAUSTED after at most that much work,
/// without inflating it whole. A truncated, corrupt or over-long stream fails with INTERNAL.
package struct MessageInflater {
    /// The most bytes one zlib step writes.
    package static let stepBytes = 64 * 1024

    /// The encoding inflated: gzip or deflate.
    package let encoding: MessageEncoding
    /// The largest decompressed message accepted.
    package let maxBytes: Int
    /// Compressed bytes zlib read so far.
    package private(set) var consumedBytes = 0
    /// Decompressed bytes zlib wrote so far.
    package private(set) var producedBytes = 0

    /// An inflater of `encoding` (gzip or deflate) that refuses output past `maxBytes`.
    package init(encoding: MessageEncoding, maxBytes: Int) {
        precondition(encoding != .identity, "identity messages are not inflated")
        self.encoding = encoding
        self.maxBytes = maxBytes
    }

    /// How one run of zlib over a message ended.
    private enum Outcome {
        case complete
        case overLimit
        case truncated
        case trailingBytes(Int)
        case corrupt(String)
        case outOfMemory
    }

    /// The decompressed bytes of `compressed`, one whole compressed stream.
    package mutating func inflate(_ compressed: [UInt8]) throws(RPCError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, encoding.zlibWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            throw RPCError(
                code: .resourceExhausted,
                message: "zlib could not allocate memory to decompress a \(encoding.rawValue) message")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(maxBytes + 1, max(4 * compressed.count, 1024)))
        var step = [UInt8](repeating: 0, count: Self.stepBytes)
        let outcome = compressed.withUnsafeBufferPointer { input -> Outcome in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let room = min(Self.stepBytes, maxBytes + 1 - output.count)
                let status = step.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(room)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = room - Int(stream.avail_out)
                output.append(contentsOf: step[0..<produced])
                consumedBytes = input.count - Int(stream.avail_in)
                producedBytes = output.count
                if output.count > maxBytes { return .overLimit }
                switch status {
                case Z_STREAM_END:
                    return stream.avail_in == 0 ? .complete : .trailingBytes(Int(stream.avail_in))
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    return .truncated  // no progress possible: the input ended inside the stream
                case Z_MEM_ERROR:
                    return .outOfMemory
                default:
                    return .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
                }
            }
        }
        let name = encoding.rawValue
        switch outcome {
        case .complete:
            return output
        case .overLimit:
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "a \(name) message of \(compressed.count) bytes decompresses to more than the limit of \(maxBytes) bytes"
            )
        case .truncated:
            throw RPCError(
                code: .internal,
                message:
                    "a \(name) message is truncated: its \(compressed.count) bytes end inside the compressed stream")
        case .trailingBytes(let count):
            throw RPCError(
                code: .internal, message: "a \(name) message has \(count) bytes after the end of its compressed stream")
        case .corrupt(let reason):
            throw RPCError(code: .internal, message: "a \(name) message is not valid \(name) data (\(reason))")
        case .outOfMemory:
            throw RPCError(code: .resourceExhausted, message: "zlib ran out of memory decompressing a \(name) message")
        }
    }
}

extension MessageEncoding {
    /// zlib's windowBits for this format: 15 (32 KiB window) plus 16 for the gzip wrapper.
    fileprivate var zlibWindowBits: Int32 {
        self == .gzip ? 15 + 16 : 15
    }
}
