// swift-tools-version: 6.0
// libFuzzer targets for QuantServe's input surfaces, one executable per surface. Each is built
// with the sanitizer flags that scripts/fuzz.sh passes (`-sanitize=fuzzer,address`,
// `-enable-testing` for `@testable import`, `-use-ld=lld`), so they are not meant for a
// plain `swift build`. Run: scripts/fuzz.sh [target...]
import PackageDescription

/// The fuzz targets: executable name, the root package's products it reads, extra packages' products.
let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
    ("grpc-deframer", [.product(name: "QuantServeGRPC", package: "QuantServe")]),
    ("http2-server", [
        .product(name: "QuantServeGRPC", package: "QuantServe"),
        .product(name: "QuantServeGRPCHTTP2", package: "QuantServe"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
    ]),
    ("protobuf-requests", [
        .product(name: "QuantServeGRPC", package: "QuantServe"),
        .product(name: "QuantServeAPI", package: "QuantServe"),
    ]),
    ("safetensors-header", [.product(name: "QuantServeTransformer", package: "QuantServe")]),
    ("manifest", [.product(name: "QuantServeTransformer", package: "QuantServe")]),
    ("tokenizer", [.product(name: "QuantServeTransformer", package: "QuantServe")]),
]

let package = Package(
    name: "quantserve-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "QuantServe", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        /// libFuzzer's driver entry point, declared for Swift.
        .systemLibrary(name: "CLibFuzzer"),
        /// Starting libFuzzer, reading a fuzz input as choices and bytes, checking invariants.
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", .product(name: "QuantServeSeededRandom", package: "QuantServe")]),
    ] + fuzzers.map { fuzzer in
        .executableTarget(name: fuzzer.name, dependencies: ["FuzzSupport"] + fuzzer.dependencies)
    }
)
