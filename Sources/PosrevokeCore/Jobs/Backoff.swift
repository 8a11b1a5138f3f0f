/// Exponential backoff with jitter. The jitter is derived from the job and attempt, so a schedule is
/// reproducible in tests and still spreads retries of many jobs apart.
public enum Backoff {
    public static func delay(attempt: Int, initial: Duration, maximum: Duration, jitterSeed: String) -> Duration {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let base = min(maximum.seconds, initial.seconds * pow2(exponent))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(jitterSeed)#\(attempt)".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let jitter = 0.5 + Double(hash % 1000) / 2000  // 0.5 ..< 1.0
        return .milliseconds(Int64(base * jitter * 1000))
    }

    private static func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }
}
