// Fuzzes the model manifest (quantserve.json): decoding and validation as a load does them. A
// manifest that validates must keep its meaning through a write and a read.
//
// Input: the bytes of quantserve.json.
import Foundation
import FuzzSupport
import QuantServeTransformer

@main
enum ManifestFuzzer {
    static func main() {
        LibFuzzer.run(fuzzManifest)
    }
}

/// One fuzz input, as libFuzzer passes it.
private func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = data.map { Data(bytes: $0, count: size) } ?? Data()
    guard let manifest = try? JSONDecoder().decode(ModelManifest.self, from: json) else { return 0 }
    guard (try? manifest.validate()) != nil else { return 0 }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let reread: ModelManifest
    do {
        reread = try JSONDecoder().decode(ModelManifest.self, from: encoder.encode(manifest))
        try reread.validate()
    } catch {
        fuzzCheck(false, "a valid manifest does not survive a write and a read: \(error)")
        return 0
    }
    fuzzCheck(reread == manifest, "the manifest changed in a write and a read")
    return 0
}
