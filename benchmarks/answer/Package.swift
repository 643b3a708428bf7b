// swift-tools-version: 6.0
// Knowledge-base search benchmark for QuantServe: KnowledgeBaseIndex.search over N entries of
// 384-dimensional embeddings on one core, beside numpy's fp32 brute force (run.sh).
import PackageDescription

let package = Package(
    name: "answer-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "QuantServe", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "answer-bench",
            dependencies: [
                .product(name: "QuantServeTransformer", package: "QuantServe"),
                .product(name: "QuantServeSeededRandom", package: "QuantServe"),
            ]
        ),
    ]
)
