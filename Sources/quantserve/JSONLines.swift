import Foundation

/// Input and output of the offline tools: one JSON string per input line, one JSON object per
/// output line.
enum JSONLines {
    /// A line that is not a JSON string.
    struct BadLine: Error, CustomStringConvertible {
        let number: Int
        let reason: String
        var description: String { "line \(number): \(reason)" }
    }

    /// Reads every line of `path` (or standard input when nil) as a JSON string, in batches.
    static func forEachBatch(of path: String?, batchSize: Int, _ body: ([String]) throws -> Void) throws {
        let handle = try path.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.standardInput
        let data = handle.readDataToEndOfFile()
        var batch: [String] = []
        var number = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            if trimmed.isEmpty { continue }
            guard let text = try? JSONSerialization.jsonObject(with: Data(trimmed), options: .fragmentsAllowed) as? String else {
                throw BadLine(number: number, reason: "not a JSON string (expected e.g. \"where is my order?\")")
            }
            batch.append(text)
            if batch.count == batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    /// Writes `lines` to standard output.
    static func write(_ lines: [String]) {
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// A float as JSON, in the shortest form that reads back as the same float.
    static func number(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}
