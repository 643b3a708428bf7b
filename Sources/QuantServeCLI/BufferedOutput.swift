import Foundation

/// Standard output collected in memory and written in large pieces.
final class BufferedOutput {
    private var buffer = Data()

    /// Appends `text`; writes out when the buffer passes 1 MiB.
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Writes everything buffered to standard output.
    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        flush()
    }
}
