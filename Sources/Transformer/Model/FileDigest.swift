import Crypto
import Foundation

/// SHA-256 digests of files, as the manifest records them.
public enum FileDigest {
    /// The SHA-256 of the file at `url`, as lowercase hex; the file is mapped, not read into memory.
    public static func sha256(of url: URL) throws -> String {
        let file = try MappedFile(url: url)
        var hasher = SHA256()
        let chunk = 1 << 22
        var offset = 0
        while offset < file.bytes.count {
            let end = min(offset + chunk, file.bytes.count)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: file.bytes[offset..<end]))
            offset = end
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
