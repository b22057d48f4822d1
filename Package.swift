// swift-tools-version:6.1
import PackageDescription

let tools = ["ls", "route", "csv", "summary", "sql", "retry", "extract", "serve"]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

// Layers (README, "Architecture"): each target depends only on the ones before it.
//   SmoleRecords  records, NDJSON I/O, errors, exit codes, paths, hashing, spawning, platform shim
//   SmoleTools    the logic of the record tools: walk, sniff, route, CSV, SQL, summary, retry, review
//   SmoleBackend  the backend contract (one call per document, its context and outcome), the result reviewer's
//                 protocol, and the wire model client, server and test support share; no networking
//   SmoleClient   the orchestrator and the API backend; with the server, the only layer that links NIO
//   SmoleEngine   the local extraction engine (a backend through SmoleBackend; no networking)
//   SmoleServer   smole-serve (Hummingbird)
let package = Package(
    name: "smole",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SmoleRecords", targets: ["SmoleRecords"]),
        .library(name: "SmoleTools", targets: ["SmoleTools"]),
        .library(name: "SmoleBackend", targets: ["SmoleBackend"]),
        .library(name: "SmoleClient", targets: ["SmoleClient"]),
        .library(name: "SmoleEngine", targets: ["SmoleEngine"]),
    ] + tools.map { .executable(name: "smole-\($0)", targets: ["smole-\($0)"]) }
        + [.executable(name: "smole-pdftext-worker", targets: ["smole-pdftext-worker"])],
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
            name: "SmoleRecords",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        .target(name: "SmoleTools", dependencies: ["SmoleRecords"]),
        .target(name: "SmoleBackend", dependencies: ["SmoleRecords", "SmoleTools"]),
        .target(
            name: "SmoleClient",
            dependencies: [
                "SmoleRecords", "SmoleTools", "SmoleBackend",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "SmoleEngine",
            dependencies: [
                "SmoleRecords", "SmoleTools", "SmoleBackend",
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
        // The record tools link no networking (ToolTests' LinkedLayerTests checks their symbols).
        .executableTarget(name: "smole-ls", dependencies: ["SmoleRecords", "SmoleTools", argumentParser]),
        .executableTarget(name: "smole-csv", dependencies: ["SmoleRecords", "SmoleTools", argumentParser]),
        .executableTarget(name: "smole-summary", dependencies: ["SmoleRecords", "SmoleTools", argumentParser]),
        .executableTarget(name: "smole-sql", dependencies: ["SmoleRecords", "SmoleTools", argumentParser]),
        .executableTarget(name: "smole-retry", dependencies: ["SmoleRecords", "SmoleTools", argumentParser]),
        .executableTarget(
            name: "smole-route", dependencies: ["SmoleRecords", "SmoleTools", "SmoleEngine", argumentParser]),
        .executableTarget(
            name: "smole-extract",
            dependencies: ["SmoleRecords", "SmoleTools", "SmoleBackend", "SmoleClient", "SmoleEngine", argumentParser]),
        .target(
            name: "SmoleServer",
            dependencies: [
                "SmoleRecords", "SmoleBackend", "SmoleEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "smole-serve", dependencies: ["SmoleRecords", "SmoleEngine", "SmoleServer", argumentParser]),
        // The PDF text worker (C++): libpoppler's pdftotext code in one long-lived process per concurrent reading
        // (Sources/smole-pdftext-worker/main.cpp; Debian libpoppler-private-dev, installed by scripts/setup).
        .executableTarget(
            name: "smole-pdftext-worker",
            cxxSettings: [.unsafeFlags(["-I/usr/include/poppler", "-std=c++17"])],
            linkerSettings: [.linkedLibrary("poppler")]),
        .executableTarget(
            name: "engine-bench", dependencies: ["SmoleRecords", "SmoleEngine"], path: "Benchmarks/EngineBench"),
        .target(
            name: "_SmoleTestSupport",
            dependencies: [
                "SmoleRecords", "SmoleBackend",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SmoleRecordsTests", dependencies: ["SmoleRecords", "SmoleTools", "_SmoleTestSupport"]),
        .testTarget(
            name: "SmoleEngineTests",
            dependencies: [
                "SmoleRecords", "SmoleTools", "SmoleBackend", "SmoleClient", "SmoleEngine", "_SmoleTestSupport",
            ]),
        .testTarget(
            name: "ToolTests",
            dependencies: ["SmoleRecords", "SmoleTools", "SmoleBackend", "SmoleClient", "_SmoleTestSupport"]),
        .testTarget(
            name: "ExtractTests",
            dependencies: [
                "SmoleRecords", "SmoleTools", "SmoleBackend", "SmoleClient", "SmoleEngine", "_SmoleTestSupport",
            ]),
        .testTarget(
            name: "ServeTests",
            dependencies: [
                "SmoleRecords", "SmoleTools", "SmoleBackend", "SmoleClient", "SmoleEngine", "SmoleServer",
                "_SmoleTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
