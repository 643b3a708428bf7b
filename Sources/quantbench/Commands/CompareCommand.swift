import ArgumentParser
import Foundation

/// `quantbench compare A.json B.json`: two runs' figures side by side with the ratio B/A.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Print two --json summaries side by side with the ratio B/A of each figure."
    )

    @Argument(help: "The baseline summary (quantbench --json output).")
    var baseline: String

    @Argument(help: "The summary compared with it.")
    var candidate: String

    func run() throws {
        let comparison = try RunComparison(baseline: Self.load(baseline), candidate: Self.load(candidate))
        print(comparison.table(baselineName: baseline, candidateName: candidate))
    }

    private static func load(_ path: String) throws -> [String: Any] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("\(path) is not a JSON object (write it with quantbench --json)")
        }
        return object
    }
}
