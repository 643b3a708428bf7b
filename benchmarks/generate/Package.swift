// swift-tools-version: 6.0
// Decoder benchmark for QuantServe (llama-bench-like): prefill and decode tokens/s of LlamaDecoder
// on SmolLM2-135M-Instruct for 1 and 2 threads, one JSON object per line.
// Run: swift run -c release generate-bench --model PATH.gguf   (see README.md)
// generate-score is compare.py's perplexity scorer (the JSON-lines protocol in README.md).
import PackageDescription

let package = Package(
    name: "generate-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "QuantServe", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "generate-bench",
            dependencies: [
                .product(name: "QuantServeTransformer", package: "QuantServe"),
                .product(name: "QuantServeKernels", package: "QuantServe"),
            ],
            // Optimized even in debug builds: the untimed greedy choice between steps scans
            // 16 × 49,152 logits, slow at -Onone.
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        .executableTarget(
            name: "generate-score",
            dependencies: [
                .product(name: "QuantServeTransformer", package: "QuantServe"),
                .product(name: "QuantServeKernels", package: "QuantServe"),
            ]
        ),
    ]
)
