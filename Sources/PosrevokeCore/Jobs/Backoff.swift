/// Exponential backoff with jitter. The jitter is derived from the job and attempt, so a schedule is
/// reproducible in tests and still spreads retries of many jobs apart.
public enum Backoff {
    public static func delay(attempt: Int, initial: Duration, maximum: Duration, jitterSeed: String) -> Duration {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let base = min(maximum.seconds, initial.seconds * pow2(exponent))
        let hash = StableHash.fnv1a("\(jitterSeed)#\(attempt)")
        let jitter = 0.5 + Double(hash % 1000) / 2000  // 0.5 ..< 1.0
        return .milliseconds(Int64(base * jitter * 1000))
    }

    private static func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }
}
