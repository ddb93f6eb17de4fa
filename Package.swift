// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tmkit",
    products: [
        .executable(name: "tmkit", targets: ["tmkit"]),
        .library(name: "ICUText", targets: ["ICUText"]),
        .library(name: "Segmentation", targets: ["Segmentation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .executableTarget(
            name: "tmkit",
            dependencies: [
                "ICUText", "Segmentation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ICUTextTests", dependencies: ["ICUText"]),
        .testTarget(name: "SegmentationTests", dependencies: ["Segmentation"]),
        .testTarget(name: "tmkitTests", dependencies: ["tmkit"]),
    ]
)
