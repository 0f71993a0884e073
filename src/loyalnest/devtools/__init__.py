"""Developer tools shipped with the package: webhook simulator and benchmarks."""
