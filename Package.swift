// swift-tools-version:6.1
import PackageDescription

let tools = ["ls", "route", "csv", "summary", "sql", "retry", "extract", "serve"]

let package = Package(
    name: "smole",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SmoleCore", targets: ["SmoleCore"]),
        .library(name: "SmoleEngine", targets: ["SmoleEngine"]),
    ] + tools.map { .executable(name: "smole-\($0)", targets: ["smole-\($0)"]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .target(
            name: "SmoleCore",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SmoleEngine",
            dependencies: [
                "SmoleCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            resources: [
                .embedInCode("Schemas/builtin"),
                .embedInCode("Lexicon/labels"),
                .embedInCode("Lexicon/roles.json"),
                .embedInCode("Lexicon/iso4217.json"),
                .embedInCode("Lexicon/currency-signs.json"),
                .embedInCode("TextSources/OCRWorker/rapidocr_worker.py"),
            ]
        ),
        .executableTarget(name: "smole-ls", dependencies: toolDeps()),
        .executableTarget(name: "smole-route", dependencies: toolDeps(["SmoleEngine"])),
        .executableTarget(name: "smole-csv", dependencies: toolDeps()),
        .executableTarget(name: "smole-summary", dependencies: toolDeps()),
        .executableTarget(name: "smole-sql", dependencies: toolDeps()),
        .executableTarget(name: "smole-retry", dependencies: toolDeps()),
        .executableTarget(name: "smole-extract", dependencies: toolDeps(["SmoleEngine"])),
        .target(
            name: "SmoleServer",
            dependencies: [
                "SmoleCore", "SmoleEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "smole-serve", dependencies: toolDeps(["SmoleEngine", "SmoleServer"])),
        .executableTarget(name: "engine-bench", dependencies: ["SmoleCore", "SmoleEngine"], path: "Benchmarks/EngineBench"),
        .target(
            name: "_SmoleTestSupport",
            dependencies: [
                "SmoleCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SmoleCoreTests", dependencies: ["SmoleCore", "_SmoleTestSupport"]),
        .testTarget(name: "SmoleEngineTests", dependencies: ["SmoleEngine", "_SmoleTestSupport"]),
        .testTarget(name: "ToolTests", dependencies: ["SmoleCore", "_SmoleTestSupport"]),
        .testTarget(name: "ExtractTests", dependencies: ["SmoleCore", "SmoleEngine", "_SmoleTestSupport"]),
        .testTarget(
            name: "ServeTests",
            dependencies: [
                "SmoleCore", "SmoleEngine", "SmoleServer", "_SmoleTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

func toolDeps(_ extra: [Target.Dependency] = []) -> [Target.Dependency] {
    ["SmoleCore", .product(name: "ArgumentParser", package: "swift-argument-parser")] + extra
}
