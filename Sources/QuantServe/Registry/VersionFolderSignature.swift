import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a version folder's files look like on disk: each entry's name, type, size, inode and
/// modification and change times (symbolic links are not followed). Two equal signatures mean
/// nothing was added, removed, replaced or rewritten in between; the repository watcher retries a
/// FAILED version when its signature differs from the one taken when the load began.
public struct VersionFolderSignature: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var name: String
        var mode: UInt32
        var size: Int64
        var inode: UInt64
        var modified: [Int]
        var changed: [Int]
    }

    let entries: [Entry]

    /// The signature of the folder at `directory` now (empty when it cannot be listed).
    public init(of directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        entries = names.sorted().compactMap { name in
            var status = stat()
            guard lstat(directory.appendingPathComponent(name).path, &status) == 0 else { return nil }
            #if canImport(Darwin)
                let modified = [Int(status.st_mtimespec.tv_sec), Int(status.st_mtimespec.tv_nsec)]
                let changed = [Int(status.st_ctimespec.tv_sec), Int(status.st_ctimespec.tv_nsec)]
            #else
                let modified = [Int(status.st_mtim.tv_sec), Int(status.st_mtim.tv_nsec)]
                let changed = [Int(status.st_ctim.tv_sec), Int(status.st_ctim.tv_nsec)]
            #endif
            return Entry(
                name: name, mode: UInt32(status.st_mode), size: Int64(status.st_size),
                inode: UInt64(status.st_ino), modified: modified, changed: changed)
        }
    }
}
