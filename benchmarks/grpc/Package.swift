// swift-tools-version: 6.1
// A grpc-swift-2 server answering the same unary calls as `quantserve serve --enable-echo`
// (grpc.health.v1.Health/Check and testing.v1.Echo/Get), the peer that run.sh measures
// QuantServe against.
//
// This package does not depend on the root package, so that grpc-swift-2 and its dependencies
// stay out of QuantServe's build graph; run.sh builds the root package's quantserve and
// quantbench itself.
import PackageDescription

let package = Package(
    name: "GRPCPeerBenchmark",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "grpc-swift-peer",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/GRPCSwiftPeer",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
