// swift-tools-version: 6.0
// Kernel benchmarks for QuantServe: int8 GEMM against the CPU's measured peak, softmax and
// layer norm against measured memory bandwidth. Run: swift run -c release kernel-bench
import PackageDescription

let package = Package(
    name: "kernel-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "QuantServe", path: "../.."),
    ],
    targets: [
        /// Peak-throughput loops of single instructions (vpmaddwd, vpmaddubsw, vpdpbusd) in inline assembly.
        .target(name: "CPeak"),
        .executableTarget(
            name: "kernel-bench",
            dependencies: [
                "CPeak",
                .product(name: "QuantServeKernels", package: "QuantServe"),
            ]
        ),
    ]
)
