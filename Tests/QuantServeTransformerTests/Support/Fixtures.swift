import Foundation
import QuantServeTestSupport

/// The committed fixtures of the QuantServeTransformer tests (Fixtures/, excluded from the target).
enum Fixtures {
    /// A fixture file.
    static func file(_ name: String) -> URL {
        Repository.file("Tests/QuantServeTransformerTests/Fixtures/\(name)")
    }
}
