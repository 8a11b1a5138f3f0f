/// Splits a plan's terminals into waves: a canary, then fixed-size or percentage waves.
public enum Waves {
    /// Terminal ids, sorted, grouped into waves. Deterministic, so a restart or reload assigns the same waves.
    public static func assign(_ terminals: [String], config: PlanConfig.WaveConfig) -> [[String]] {
        let sorted = terminals.sorted()
        guard !sorted.isEmpty else { return [] }
        let canary = min(max(config.canary, 0), sorted.count)
        var waves: [[String]] = canary > 0 ? [Array(sorted.prefix(canary))] : []
        var rest = sorted.dropFirst(canary)
        let size: Int
        if let fixed = config.size {
            size = max(1, fixed)
        } else if let percent = config.percent {
            size = max(1, Int((Double(sorted.count) * percent / 100).rounded(.up)))
        } else {
            size = max(1, rest.count)
        }
        while !rest.isEmpty {
            waves.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return waves
    }
}
