import ArgumentParser
import Foundation

/// Texts given one JSON string per line, from a file or standard input, handed out in batches.
enum InputLines {
    /// One input text and its 1-based line number.
    struct Line {
        let number: Int
        let text: String
    }

    /// Calls `body` with consecutive batches of at most `batchSize` lines. A line that is not a
    /// JSON string stops the run with an error naming it.
    static func forEachBatch(file: String?, batchSize: Int, _ body: ([Line]) throws -> Void) throws {
        let handle: FileHandle
        if let file {
            guard let opened = FileHandle(forReadingAtPath: file) else { throw fail("cannot open \(file)") }
            handle = opened
        } else {
            handle = FileHandle.standardInput
        }
        let decoder = JSONDecoder()
        var pending = Data()
        var batch: [Line] = []
        var lineNumber = 0
        func take(_ bytes: Data) throws {
            lineNumber += 1
            var line = bytes
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard let text = try? decoder.decode(String.self, from: line) else {
                let preview = String(decoding: line.prefix(60), as: UTF8.self)
                throw fail("line \(lineNumber): not a JSON string: \(preview)")
            }
            batch.append(Line(number: lineNumber, text: text))
            if batch.count == batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        while true {
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { break }
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try take(pending[start..<newline])
                start = pending.index(after: newline)
            }
            pending = Data(pending[start...])
        }
        if !pending.isEmpty { try take(pending) }
        if !batch.isEmpty { try body(batch) }
    }

    /// Writes `quantserve: message` to standard error and returns the failure exit code to throw.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("quantserve: \(message)\n".utf8))
        return ExitCode.failure
    }
}
