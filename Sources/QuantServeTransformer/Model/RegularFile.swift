import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A regular file read whole into memory in one pass, so that the bytes a caller hashes are the
/// bytes it parses, and a file changed on disk can never fault a mapping (no SIGBUS).
///
/// Only a regular file is read: a FIFO, a device (such as `/dev/zero`), a directory or a socket is
/// refused before it is opened, and a file over the caller's size limit before a byte is read.
/// A file that shrinks, grows or is modified while it is read fails the read
/// (`FileReadError.changedWhileReading`); a file replaced by a rename keeps being read from the
/// file that was opened.
public final class RegularFile {
    /// What to do when the path names a symbolic link.
    public enum Symlinks: Sendable {
        /// Read the file the link points to (still only a regular file).
        case follow
        /// Refuse the link (`O_NOFOLLOW`): the name must be the regular file itself.
        case refuse
    }

    /// The file's path, for messages.
    public let path: String
    /// The file's size when it was opened.
    public let size: Int
    private let descriptor: Int32
    private let opened: Signature

    /// Opens the file at `url` after checking that it is a regular file.
    public init(url: URL, symlinks: Symlinks) throws(FileReadError) {
        path = url.path
        var before = stat()
        let found = symlinks == .refuse ? lstat(path, &before) : stat(path, &before)
        guard found == 0 else { throw Self.failure(path: path, errno: errno) }
        if let problem = Self.irregularity(before, path: path) { throw problem }
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (symlinks == .refuse ? O_NOFOLLOW : 0)
        let descriptor = open(path, flags)
        guard descriptor >= 0 else { throw Self.failure(path: path, errno: errno) }
        var status = stat()
        let problem: FileReadError? =
            if fstat(descriptor, &status) != 0 {
                Self.failure(path: path, errno: errno)
            } else if let irregularity = Self.irregularity(status, path: path) {
                irregularity
            } else if status.st_dev != before.st_dev || status.st_ino != before.st_ino {
                .changedWhileReading(path: path, reason: "it was replaced while being opened")
            } else {
                nil
            }
        if let problem {
            close(descriptor)
            throw problem
        }
        self.descriptor = descriptor
        opened = Signature(status)
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// The whole file, read once. Throws `tooLarge` when the file is over `limit` bytes and
    /// `changedWhileReading` when it changes size or is modified before the read ends.
    public func readAll(limit: Int) throws(FileReadError) -> [UInt8] {
        guard size <= limit else { throw .tooLarge(path: path, size: size, limit: limit) }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < buffer.count {
                let got = read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if got > 0 {
                    count += got
                } else if got == 0 {
                    return
                } else if errno != EINTR {
                    failure = errno
                    return
                }
            }
        }
        guard failure == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(failure))) }
        guard bytes.count == size else {
            throw .changedWhileReading(
                path: path, reason: "it shrank from \(size) to \(bytes.count) bytes while being read")
        }
        var extra: UInt8 = 0
        guard read(descriptor, &extra, 1) == 0 else {
            throw .changedWhileReading(path: path, reason: "it grew beyond \(size) bytes while being read")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.failure(path: path, errno: errno) }
        guard Signature(status) == opened else {
            throw .changedWhileReading(path: path, reason: "it was modified while being read")
        }
        return bytes
    }

    /// The whole file at `url`; see `init(url:symlinks:)` and `readAll(limit:)`.
    public static func bytes(of url: URL, limit: Int, symlinks: Symlinks) throws(FileReadError) -> [UInt8] {
        try RegularFile(url: url, symlinks: symlinks).readAll(limit: limit)
    }

    /// What identifies one state of a file's content: its size and modification time. (Not the
    /// change time: renaming another file over this one changes that, not the bytes being read.)
    private struct Signature: Equatable {
        var size: Int
        var modified: [Int]

        init(_ status: stat) {
            size = Int(status.st_size)
            #if canImport(Darwin)
                modified = [Int(status.st_mtimespec.tv_sec), Int(status.st_mtimespec.tv_nsec)]
            #else
                modified = [Int(status.st_mtim.tv_sec), Int(status.st_mtim.tv_nsec)]
            #endif
        }
    }

    /// Why `status` is not a regular file, or nil when it is one.
    private static func irregularity(_ status: stat, path: String) -> FileReadError? {
        let kind: String? =
            switch status.st_mode & S_IFMT {
            case S_IFREG: nil
            case S_IFLNK: "a symbolic link"
            case S_IFDIR: "a directory"
            case S_IFIFO: "a FIFO"
            case S_IFCHR: "a character device"
            case S_IFBLK: "a block device"
            case S_IFSOCK: "a socket"
            default: "of an unknown kind"
            }
        return kind.map { .notRegularFile(path: path, kind: $0) }
    }

    private static func failure(path: String, errno code: Int32) -> FileReadError {
        switch code {
        case ENOENT: .missing(path: path)
        case ELOOP: .notRegularFile(path: path, kind: "a symbolic link")
        default: .unreadable(path: path, reason: String(cString: strerror(code)))
        }
    }
}
