// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "logbook",
    products: [
        .executable(name: "logbook", targets: ["logbook"]),
        .library(name: "LogbookStore", targets: ["LogbookStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // logbook.toml, the command-line flags a CI job keeps in its repository.
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // C libraries, each behind a module that only Swift files facing C import.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(name: "CVectorMath"),
        // glibc's malloc tuning (mallopt), which Glibc's module leaves out.
        .systemLibrary(name: "CMalloc"),
        // PostgreSQL's client library: a crawl shared by many processes keeps
        // its tables in PostgreSQL (`--db postgres://…`).
        .systemLibrary(
            name: "CPostgres",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        // zlib, for gzipped sitemaps.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // Migrations/*.sql embedded into LogbookStore at build time.
        .executableTarget(name: "MigrationEmbedder"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["MigrationEmbedder"]
        ),

        .target(
            name: "LogbookStore",
            dependencies: ["CSQLite", "CPostgres"],
            plugins: ["EmbedMigrations"]
        ),
        .target(
            name: "LogbookHTML",
            dependencies: ["CLibXML2"]
        ),
        // Each engine's tables have one owner: its configuration, records,
        // rules and typed reads, over the store alone.
        .target(
            name: "CrawlSchema",
            dependencies: ["LogbookStore"]
        ),
        .target(
            name: "SimulationSchema",
            dependencies: ["LogbookStore"]
        ),
        .target(
            name: "LogbookCrawl",
            dependencies: ["LogbookStore", "CrawlSchema", "LogbookHTML", "CCurl", "CZlib"]
        ),
        .target(
            name: "LogbookSim",
            dependencies: ["LogbookStore", "SimulationSchema", "CVectorMath"],
            swiftSettings: [
                // The force kernel is vectorised for this machine's CPU, and
                // optimised even in debug builds so tests can run real sizes.
                .unsafeFlags(["-Xcc", "-march=native", "-target-cpu", "native"]),
                .unsafeFlags(["-O"], .when(configuration: .debug)),
            ]
        ),
        .target(
            name: "LogbookCompare",
            dependencies: ["LogbookStore", "CrawlSchema", "SimulationSchema"]
        ),
        .executableTarget(
            name: "logbook",
            dependencies: [
                "CMalloc",
                "LogbookStore",
                "CrawlSchema",
                "SimulationSchema",
                "LogbookCompare",
                "LogbookCrawl",
                "LogbookSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // Benchmarks: `make bench`.
        .executableTarget(
            name: "RecorderBenchmark",
            dependencies: ["LogbookStore"],
            path: "Benchmarks/RecorderBenchmark"
        ),

        .executableTarget(
            name: "SimBenchmark",
            dependencies: ["LogbookSim", "SimulationSchema", "LogbookStore"],
            path: "Benchmarks/SimBenchmark"
        ),

        // Tests and what they share.
        .target(
            name: "LogbookTestSupport",
            dependencies: ["LogbookStore"],
            path: "Tests/LogbookTestSupport"
        ),
        .executableTarget(
            name: "CrashRecorder",
            dependencies: ["LogbookStore", "LogbookTestSupport"],
            path: "Tests/CrashRecorder"
        ),
        .testTarget(
            name: "LogbookStoreTests",
            dependencies: ["LogbookStore", "LogbookTestSupport", "CrashRecorder"]
        ),
        .testTarget(
            name: "LogbookHTMLTests",
            dependencies: ["LogbookHTML"]
        ),
        .testTarget(
            name: "CrawlSchemaTests",
            dependencies: ["CrawlSchema", "LogbookStore", "LogbookTestSupport"]
        ),
        .testTarget(
            name: "LogbookCrawlTests",
            dependencies: ["LogbookCrawl", "CrawlSchema", "LogbookStore", "LogbookTestSupport", "logbook"]
        ),
        .testTarget(
            name: "LogbookSimTests",
            dependencies: ["LogbookSim", "SimulationSchema", "LogbookStore", "LogbookTestSupport", "logbook"]
        ),
        .testTarget(
            name: "SimulationSchemaTests",
            dependencies: ["SimulationSchema", "LogbookStore", "LogbookTestSupport"]
        ),
        .testTarget(
            name: "LogbookCompareTests",
            dependencies: [
                "LogbookCompare", "CrawlSchema", "SimulationSchema", "LogbookStore", "LogbookTestSupport", "logbook",
            ]
        ),
        .testTarget(
            name: "LogbookCLITests",
            dependencies: ["LogbookStore", "CrawlSchema", "SimulationSchema", "LogbookTestSupport", "logbook"]
        ),

        // The properties the fuzzer checks, shared with the tests that replay its finds.
        .target(
            name: "FuzzChecks",
            dependencies: [
                "LogbookHTML", "LogbookCrawl", "CrawlSchema", "LogbookSim", "SimulationSchema", "LogbookStore",
                "CSQLite",
            ],
            path: "Fuzz/FuzzChecks"
        ),
        .testTarget(
            name: "FuzzRegressionTests",
            dependencies: ["FuzzChecks"]
        ),
    ]
)

// `make fuzz` (scripts/fuzz): the libFuzzer binary, declared only when asked
// for because it links only with libFuzzer's runtime, which scripts/fuzz
// finds in the toolchain. The code it reaches is instrumented target by
// target: SwiftPM's --sanitize=fuzzer would also instrument the
// MigrationEmbedder tool and link libFuzzer's main into it beside its own.
if Context.environment["LOGBOOK_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "LogbookFuzzer",
            dependencies: ["FuzzChecks"],
            path: "Fuzz/LogbookFuzzer",
            linkerSettings: [.linkedLibrary("stdc++")]
        ))
    let instrumented = [
        "LogbookStore", "LogbookHTML", "CrawlSchema", "LogbookCrawl", "SimulationSchema", "LogbookSim",
        "FuzzChecks", "LogbookFuzzer",
    ]
    for target in package.targets where instrumented.contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=fuzzer"])]
    }
}

// `--mode mpi`: Open MPI's ring, declared only when asked for
// (`LOGBOOK_MPI=1`, which the Makefile and scripts/bootstrap set), so
// logbook builds and runs everywhere without MPI; a binary built with it
// needs Open MPI's libraries where it runs.
if Context.environment["LOGBOOK_MPI"] == "1" {
    package.targets.append(contentsOf: [
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "LogbookMPI", dependencies: ["CMPI", "LogbookSim"]),
    ])
    // `#if LOGBOOK_MPI`, not `canImport`: a module left in .build by an
    // earlier MPI build must not switch it on.
    for target in package.targets where target.name == "logbook" {
        target.dependencies += ["LogbookMPI", "CMPI"]
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("LOGBOOK_MPI")]
    }
    package.targets.append(
        .testTarget(name: "LogbookMPITests", dependencies: ["LogbookStore", "LogbookTestSupport", "logbook"]))
}

// Strict settings for every Swift target, as swift-log does.
for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    guard !["CCurl", "CVectorMath"].contains(target.name) else { continue }
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]))
    target.swiftSettings = settings
}
