// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "tmkit",
    products: [
        .executable(name: "tmkit", targets: ["tmkit"]),
        .library(name: "ICUText", targets: ["ICUText"]),
        .library(name: "Segmentation", targets: ["Segmentation"]),
        .library(name: "TranslationMemory", targets: ["TranslationMemory"]),
        .library(name: "Alignment", targets: ["Alignment"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "Glossary", targets: ["Glossary"]),
        .library(name: "GlossarySQLite", targets: ["GlossarySQLite"]),
        .library(name: "PostgresStore", targets: ["PostgresStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The HTTP server (`tmkit serve`), without its optional configuration support.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
        // Memories and glossaries in PostgreSQL (`postgres://` URLs).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        // API documentation (swift package generate-documentation); a plugin, nothing is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // The system ICU. Never imported by Swift: it only carries pkg-config's flags.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-uc icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        // C facade over ICU with a Foundation-safe header (stdint types, opaque pointers).
        .target(name: "CICUShim", dependencies: ["CICU"]),
        // Swift text services over the shim: the one place that touches ICU.
        .target(name: "ICUText", dependencies: ["CICUShim"]),
        .target(name: "Segmentation", dependencies: ["ICUText"]),
        // Inline C for the hot loops (a prefetch hint).
        .target(name: "CSupport"),
        // What the SQLite-backed stores (memories, glossaries) share.
        .target(name: "StoreSupport", dependencies: ["MemoryCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // What a memory is, whichever engine stores it: units and variants, normalisation, the
        // tokenizer, index keys, posting lists, the fuzzy scorer, the lookup with its bounds,
        // duplicate keys and rules, the packed unit encoding. No database in it.
        .target(name: "MemoryCore", dependencies: ["ICUText", "CSupport"]),
        // The SQLite store (`MemoryStore`), re-exporting MemoryCore: what `import TranslationMemory` gives.
        .target(
            name: "TranslationMemory",
            dependencies: ["MemoryCore", "ICUText", "StoreSupport", "CSupport", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")],
            // The import's hot loops touch class state per unit and per key: those stored properties
            // are marked @exclusivity(unchecked) in the source (no unsafe flag, so that the library
            // builds as another package's dependency); bounds stay checked.
            swiftSettings: [.define("SQLITE_ENABLE_FTS5")]
        ),
        // The PostgreSQL store: the same memory (MemoryCore's units, index keys, lookup and
        // duplicate rules) in tables of a PostgreSQL database, through postgres-nio.
        .target(
            name: "PostgresStore",
            dependencies: ["MemoryCore", "Glossary", "ICUText", .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        // Opens a memory or a glossary by where it is (a file or a postgres:// URL): what the
        // commands and the server use.
        .target(name: "MemoryStores", dependencies: ["MemoryCore", "TranslationMemory", "Glossary", "GlossarySQLite", "PostgresStore"]),
        .target(name: "Alignment", dependencies: ["ICUText"]),
        // What a glossary is, whichever engine keeps it: terms and entries, stemmers, the term
        // recogniser, TSV glossaries, the store interface and its rules. No database in it.
        .target(name: "Glossary", dependencies: ["ICUText", "MemoryCore"]),
        // The glossary file (`TermStore`, SQLite).
        .target(name: "GlossarySQLite", dependencies: ["Glossary", "ICUText", "StoreSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "Formats",
            dependencies: ["TranslationMemory", "Glossary", "ICUText"]
            // (The XML reader's hot loops touch class state per byte: @exclusivity(unchecked) there too.)
        ),
        .target(name: "Localization", dependencies: ["Glossary", "ICUText", "TranslationMemory", "Formats"]),
        // JSON and text renderings of results, the same from the command line and the server.
        .target(name: "Reports", dependencies: ["TranslationMemory", "Glossary"]),
        // A memory on a `tmkit serve` server, for the command line's `--server`.
        .target(name: "TMClient", dependencies: ["TranslationMemory"]),
        // `tmkit serve`: the HTTP API (tmkit's and amaGama's), tokens, metrics and the web page.
        .target(
            name: "TMServer",
            dependencies: ["TranslationMemory", "MemoryStores", "Glossary", "GlossarySQLite", "Formats", "Segmentation", "Reports", "StoreSupport", "CSupport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")],
            resources: [.embedInCode("Assets/openapi.yaml"), .embedInCode("Assets/index.html"),
                        .embedInCode("Assets/app.js"), .embedInCode("Assets/app.css")]
        ),
        .executableTarget(
            name: "tmkit",
            dependencies: [
                "ICUText", "Segmentation", "TranslationMemory", "Formats", "Alignment", "Glossary", "GlossarySQLite", "Localization", "StoreSupport", "Reports", "TMServer", "TMClient", "MemoryStores",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ICUTextTests", dependencies: ["ICUText"]),
        .testTarget(name: "SegmentationTests", dependencies: ["Segmentation"]),
        // What several test targets share (a seeded random generator).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TranslationMemoryTests", dependencies: ["TranslationMemory", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "TestSupport"]),
        .testTarget(name: "AlignmentTests", dependencies: ["Alignment", "Segmentation", "TestSupport"]),
        .testTarget(name: "GlossaryTests", dependencies: ["Glossary", "GlossarySQLite", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "LocalizationTests", dependencies: ["Localization", "Glossary", "GlossarySQLite"]),
        .testTarget(name: "tmkitTests", dependencies: ["tmkit"]),
        .testTarget(name: "TMServerTests", dependencies: ["TMServer"]),
        // The store tests on both stores (a PostgreSQL server from $TMKIT_PG_URL).
        .testTarget(name: "PostgresStoreTests", dependencies: ["MemoryStores", "TestSupport"]),
    ]
)
