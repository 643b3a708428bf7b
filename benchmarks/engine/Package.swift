// swift-tools-version: 6.0
// Engine benchmark for QuantServe: BertEncoder sentences/s and batch-1 latency on all-MiniLM-L6-v2,
// measured side by side with ONNX Runtime's int8 (ort_bench.py) by run.sh.
// Run: benchmarks/engine/run.sh   (or: swift run -c release engine-bench --help)
import PackageDescription

let package = Package(
    name: "engine-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "QuantServe", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "engine-bench",
            dependencies: [
                .product(name: "QuantServeTransformer", package: "QuantServe"),
                .product(name: "QuantServeKernels", package: "QuantServe"),
            ]
        ),
    ]
)
