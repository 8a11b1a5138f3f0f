import Foundation
import PosrevokeCore

/// A small, fast, seedable generator: the same seed gives the same fleet on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator seeded from a base seed and a name, so each terminal has its own independent stream.
    public init(seed: UInt64, stream: String) {
        let hash = StableHash.fnv1a(stream)
        self.init(seed: seed ^ hash)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Seconds until the next event of a Poisson process with `ratePerSecond`.
    public mutating func exponential(ratePerSecond: Double) -> Double {
        -log(1 - unit()) / ratePerSecond
    }
}
