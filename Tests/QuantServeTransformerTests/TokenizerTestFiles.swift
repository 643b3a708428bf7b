import Foundation
import QuantServeTestSupport

/// Where the tokenizer tests find the committed fixture (the model's tokenizer files are in the
/// venv: `Prerequisite.miniLMWheel`).
enum TokenizerTestFiles {
    /// The fixture written by Tests/Python/make_tokenizer_fixture.py.
    static let fixture = Fixtures.file("tokenizer-minilm.json")
}
