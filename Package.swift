// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "posrevoke",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "posrevoked", targets: ["posrevoked"]),
        .executable(name: "posrevokectl", targets: ["posrevokectl"]),
        .executable(name: "posrevoke-sim", targets: ["posrevoke-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // The only module that imports libsystemd.
        .target(name: "PosrevokeSystemd", dependencies: ["CSystemd"]),
        // Pure domain: config, tick math, fleet model, detection rules, alert lifecycle, wire formats, request signing.
        .target(
            name: "PosrevokeCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The deterministic simulated fleet, shared by the in-process driver and later the simulator binary.
        .target(
            name: "PosrevokeSimulation",
            dependencies: ["PosrevokeCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The control protocol between posrevokectl and the daemon, and its unix-socket client.
        .target(name: "PosrevokeControl", dependencies: ["PosrevokeCore"]),
        // I/O: scheduler, drivers, store, journald, signals, sd_notify, the platform's callbacks, /metrics.
        .target(
            name: "PosrevokeDaemon",
            dependencies: [
                "PosrevokeControl",
                "PosrevokeCore",
                "PosrevokeSimulation",
                "PosrevokeSystemd",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The simulated fleet served over HTTP (terminal-agent protocol v1), for demos, tests and benchmarks.
        .executableTarget(
            name: "posrevoke-sim",
            dependencies: [
                "PosrevokeCore",
                "PosrevokeSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "posrevoked",
            dependencies: [
                "PosrevokeDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "posrevokectl",
            dependencies: [
                "PosrevokeControl",
                "PosrevokeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PosrevokeCoreTests", dependencies: ["PosrevokeCore", "PosrevokeSimulation"]),
        .testTarget(
            name: "PosrevokeDaemonTests",
            dependencies: [
                "PosrevokeControl",
                "PosrevokeCore",
                "PosrevokeDaemon",
                "PosrevokeSimulation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// The libFuzzer harnesses (scripts/fuzz), declared only with POSREVOKE_FUZZ=1: they link only when built with
// -sanitize=fuzzer, so the normal build and `swift test` never see them.
if Context.environment["POSREVOKE_FUZZ"] == "1" {
    package.products.append(.executable(name: "posrevoke-fuzz", targets: ["posrevoke-fuzz"]))
    package.targets.append(
        .executableTarget(
            name: "posrevoke-fuzz",
            dependencies: ["PosrevokeControl", "PosrevokeCore"],
            path: "Tests/Fuzz/Sources"
        )
    )
}

// Shared settings, applied once to every Swift target.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
