// swift-tools-version: 6.0
// Tokenizer benchmark for QuantServe: WordPieceTokenizer time on hostile and long texts, and
// Unigram (or WordPiece) throughput on a mixed corpus against Hugging Face `tokenizers`.
// Run: benchmarks/tokenizer/run.sh   (or: swift run tokenizer-bench --help)
import PackageDescription

let package = Package(
    name: "tokenizer-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "QuantServe", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "unigram-throughput",
            dependencies: [
                .product(name: "QuantServeTransformer", package: "QuantServe"),
            ]
        ),
        .executableTarget(
            name: "tokenizer-bench",
            dependencies: [
                .product(name: "QuantServeTransformer", package: "QuantServe"),
            ]
        ),
    ]
)
