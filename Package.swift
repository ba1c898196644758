// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "NearDup",
  products: [
    .executable(name: "neardup", targets: ["NearDupCLI"]),
    .library(name: "NearDupCore", targets: ["NearDupCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .systemLibrary(
      name: "CXXHash", pkgConfig: "libxxhash",
      providers: [.apt(["libxxhash-dev"]), .brew(["xxhash"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .target(name: "CVectorKernels"),
    .target(
      name: "NearDupCore", dependencies: ["CXXHash", "CZlib", "CVectorKernels"],
      swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    .executableTarget(
      name: "NearDupCLI",
      dependencies: [
        "NearDupCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Hummingbird", package: "hummingbird"),
      ],
      swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    .executableTarget(
      name: "NearDupBenchmarks",
      dependencies: ["NearDupCore", .product(name: "Benchmark", package: "benchmark")],
      path: "Benchmarks/NearDupBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    .testTarget(name: "NearDupCoreTests", dependencies: ["NearDupCore"]),
    .testTarget(name: "NearDupCLITests", dependencies: ["NearDupCLI", "NearDupCore"]),
  ]
)
