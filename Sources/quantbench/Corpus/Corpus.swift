import Foundation

/// The texts requests are drawn from: a file with one JSON string per line (blank lines
/// skipped), or the bundled corpus of customer-service messages.
struct Corpus: Sendable {
    /// Why a corpus file could not be used.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The texts, in file order.
    let texts: [String]

    /// The texts of `contents`, one JSON string per line; `source` names it in errors.
    init(jsonLines contents: String, source: String) throws {
        var texts: [String] = []
        let decoder = JSONDecoder()
        for (number, line) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                texts.append(try decoder.decode(String.self, from: Data(trimmed.utf8)))
            } catch {
                throw LoadError(description: "\(source):\(number + 1): not a JSON string")
            }
        }
        guard !texts.isEmpty else { throw LoadError(description: "\(source): no texts") }
        self.texts = texts
    }

    /// The corpus in the file at `path`.
    init(contentsOfFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(description: "cannot read the corpus \(path): \(error.localizedDescription)")
        }
        try self.init(jsonLines: String(decoding: data, as: UTF8.self), source: path)
    }

    /// The bundled corpus: realistic customer-service messages of mixed lengths and languages.
    static func bundled() -> Corpus {
        // The bundled file is checked by the tests; it always parses.
        try! Corpus(
            jsonLines: String(decoding: PackageResources.customer_service_jsonl, as: UTF8.self),
            source: "bundled corpus")
    }
}
