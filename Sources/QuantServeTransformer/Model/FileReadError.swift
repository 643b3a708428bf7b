/// Why `RegularFile` refused to read a file.
public enum FileReadError: Error, Equatable, CustomStringConvertible {
    /// No file at the path.
    case missing(path: String)
    /// The path names something other than a regular file: a symbolic link where links are
    /// refused, a FIFO, a device, a directory or a socket.
    case notRegularFile(path: String, kind: String)
    /// The file is larger than the reader accepts for its kind.
    case tooLarge(path: String, size: Int, limit: Int)
    /// The file changed (size or content) while it was being read.
    case changedWhileReading(path: String, reason: String)
    /// The system refused to open or read the file.
    case unreadable(path: String, reason: String)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case let .missing(path): "missing file \(path)"
        case let .notRegularFile(path, kind): "\(path) is \(kind), not a regular file; only regular files are read"
        case let .tooLarge(path, size, limit):
            "\(path) has \(size) bytes, more than the \(limit)-byte limit for this file"
        case let .changedWhileReading(path, reason):
            "\(path) changed while it was read (\(reason)); try again once it is complete"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        }
    }
}
