// swift-tools-version: 6.0
// QuantServe: a gRPC inference server for int8 quantized Transformer models.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// With QUANTSERVE_OPTIMIZE_DEBUG=1 in the environment (scripts/test.sh sets it), the compute-heavy
/// targets are optimized even in debug builds, so that the test suite runs real models in
/// reasonable time. Without it the package has no unsafe flags: SwiftPM refuses a dependency
/// whose targets use them, and fuzz/, benchmarks/* and other packages use the library products.
let optimizesDebugCompute = Context.environment["QUANTSERVE_OPTIMIZE_DEBUG"] == "1"
let optimizedSettings: [SwiftSetting] = strictSettings + (optimizesDebugCompute ? [.unsafeFlags(["-O"])] : [])
let optimizedCSettings: [CSetting] = optimizesDebugCompute ? [.unsafeFlags(["-O3"])] : []

let package = Package(
    name: "QuantServe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "quantserve", targets: ["QuantServeCLI"]),
        .executable(name: "quantbench", targets: ["quantbench"]),
        .library(name: "QuantServeGRPC", targets: ["QuantServeGRPC"]),
        .library(name: "QuantServeGRPCHTTP2", targets: ["QuantServeGRPCHTTP2"]),
        .library(name: "QuantServeAPI", targets: ["QuantServeAPI"]),
        .library(name: "QuantServeKernels", targets: ["QuantServeKernels"]),
        .library(name: "QuantServeTransformer", targets: ["QuantServeTransformer"]),
        .library(name: "QuantServe", targets: ["QuantServe"]),
        .library(name: "QuantServeHTTP", targets: ["QuantServeHTTP"]),
        .library(name: "QuantServeSeededRandom", targets: ["QuantServeSeededRandom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: - C libraries at the edge

        /// libnghttp2 (HTTP/2 framing, HPACK, flow control); imported only by QuantServeGRPCHTTP2.
        .systemLibrary(
            name: "CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        /// zlib: gRPC message compression (QuantServeGRPC) and quantbench's HdrHistogram interval logs.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        /// libprotobuf-c runtime; used only by the generated code in QuantServeProto.
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        /// protoc-c output for everything in proto/ (regenerate with scripts/generate-protos.sh).
        .target(
            name: "QuantServeProto",
            dependencies: ["CProtobufC"]
        ),

        // MARK: - gRPC

        /// The gRPC protocol vocabulary: status, metadata, deadlines, compression, handler API.
        .target(
            name: "QuantServeGRPC",
            dependencies: ["CZlib"],
            swiftSettings: strictSettings
        ),
        /// gRPC over HTTP/2 on libnghttp2 and SwiftNIO: server and client transports, and the
        /// wire forms only they use (message framing, grpc-timeout, metadata as header fields).
        .target(
            name: "QuantServeGRPCHTTP2",
            dependencies: [
                "QuantServeGRPC",
                "CNGHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),
        /// Swift message types of proto/, encoded and decoded through protobuf-c.
        .target(
            name: "QuantServeAPI",
            dependencies: ["QuantServeGRPC", "QuantServeProto"],
            swiftSettings: strictSettings
        ),

        // MARK: - HTTP/1.1

        /// A small HTTP/1.1 server on SwiftNIO's NIOHTTP1: a route table of async handlers,
        /// with bounded headers and bodies, timeouts and a connection limit.
        .target(
            name: "QuantServeHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Engine

        /// Instruction-set specific int8 GEMM kernels (AVX-512 VNNI, AVX-VNNI, AVX2) and CPUID.
        .target(
            name: "CQuantServeKernels",
            cSettings: optimizedCSettings
        ),
        /// Int8 GEMM, fp32 softmax/layernorm/GELU, ISA dispatch and the intra-op thread pool.
        .target(
            name: "QuantServeKernels",
            dependencies: ["CQuantServeKernels"],
            swiftSettings: optimizedSettings
        ),
        /// Tensors, safetensors, the quantizer, tokenizers and the BERT encoder.
        .target(
            name: "QuantServeTransformer",
            dependencies: [
                "QuantServeKernels",
                "QuantServeSeededRandom",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: optimizedSettings
        ),

        // MARK: - The service and its executables

        /// The inference service: health, registry, scheduler and RPC handlers.
        .target(
            name: "QuantServe",
            dependencies: [
                "QuantServeGRPC",
                "QuantServeGRPCHTTP2",
                "QuantServeAPI",
                "QuantServeHTTP",
                "QuantServeTransformer",
                "QuantServeKernels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        /// The server and operator CLI: serve, quantize, embed, tokenize, models.
        .executableTarget(
            name: "QuantServeCLI",
            dependencies: [
                "QuantServe",
                "QuantServeGRPC",
                "QuantServeGRPCHTTP2",
                "QuantServeAPI",
                "QuantServeHTTP",
                "QuantServeTransformer",
                "QuantServeKernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        /// SplitMix64, the seeded random numbers of quantbench and the tests.
        .target(name: "QuantServeSeededRandom", swiftSettings: strictSettings),
        /// The load generator.
        .executableTarget(
            name: "quantbench",
            dependencies: [
                "QuantServeSeededRandom",
                "QuantServeGRPC",
                "QuantServeGRPCHTTP2",
                "QuantServeAPI",
                "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            resources: [.embedInCode("Corpus/customer-service.jsonl")],
            swiftSettings: strictSettings
        ),

        // MARK: - Tests

        /// What the test targets share: the repository root, external tools gated one way
        /// (`Prerequisite`), child processes and the venv's Python scripts, waiting for events
        /// (`Observed`, `ServerEvents`), in-process calls, temporary folders, seeded data, tags.
        .target(
            name: "QuantServeTestSupport",
            dependencies: ["QuantServeGRPC", "QuantServeGRPCHTTP2", "QuantServeSeededRandom"],
            path: "Tests/QuantServeTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "QuantServeGRPCTests", dependencies: ["QuantServeGRPC", "QuantServeSeededRandom"], swiftSettings: strictSettings),
        .testTarget(
            name: "QuantServeGRPCHTTP2Tests",
            dependencies: ["QuantServeGRPCHTTP2", "QuantServeGRPC", "QuantServeSeededRandom", "QuantServeTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QuantServeHTTPTests",
            dependencies: ["QuantServeHTTP", "QuantServeTestSupport", .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "QuantServeAPITests", dependencies: ["QuantServeAPI", "QuantServeGRPC", "QuantServeTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "QuantServeKernelsTests", dependencies: ["QuantServeKernels", "CQuantServeKernels", "QuantServeSeededRandom", "QuantServeTestSupport"], swiftSettings: optimizedSettings),
        .testTarget(
            name: "QuantServeTransformerTests",
            dependencies: ["QuantServeTransformer", "QuantServeKernels", "QuantServeSeededRandom", "QuantServeTestSupport"],
            exclude: ["Fixtures"],  // test data read through the repository root
            swiftSettings: optimizedSettings
        ),
        .testTarget(
            name: "QuantBenchTests",
            dependencies: ["quantbench", "QuantServeSeededRandom", "QuantServeGRPCHTTP2", "QuantServeGRPC", "QuantServeAPI", "QuantServeTestSupport",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QuantServeTests",
            dependencies: ["QuantServe", "QuantServeHTTP", "QuantServeGRPCHTTP2", "QuantServeGRPC", "QuantServeAPI", "QuantServeTransformer", "QuantServeKernels", "QuantServeSeededRandom",
                           "QuantServeTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        /// The real models against independent references: minutes of numpy and C engines each,
        /// one suite at a time (Tests/QuantServeModelAccuracyTests/ModelAccuracyTests.swift).
        .testTarget(
            name: "QuantServeModelAccuracyTests",
            dependencies: ["QuantServeTransformer", "QuantServeKernels", "QuantServeTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: optimizedSettings
        ),
    ]
)
