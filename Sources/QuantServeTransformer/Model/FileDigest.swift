import Crypto
import Foundation

/// SHA-256 digests, as the manifest records them.
public enum FileDigest {
    /// The SHA-256 of `bytes`, as lowercase hex.
    public static func sha256(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 of the regular file at `url` (a symbolic link is refused), as lowercase hex.
    public static func sha256(of url: URL, limit: Int = VerifiedModelFolder.maximumWeightsBytes) throws -> String {
        sha256(of: try RegularFile.bytes(of: url, limit: limit, symlinks: .refuse))
    }
}
