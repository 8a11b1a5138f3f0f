/// Small, fast config files for process-level tests.
enum TestConfig {
    static let cutover = "2026-01-01T00:00:00Z"

    /// The `platform:` section that sends WeChat Pay Score steps to the simulator's gateway API at `base`, signed
    /// with the key in `keyFile`.
    static func httpPlatform(base: String, keyFile: String) -> String {
        """
        platform:
          providers: {wechat-payscore: http}
          http:
            wechat-payscore:
              url: "\(base)/platform/wechat-payscore"
              merchant_id: "1900000001"
              service_id: svc-test
              appid: wx-test
              key_file: "\(keyFile)"
        """
    }

    /// `ids` in two stores, credit-score pay cancelled on all; `missed` keep approving it.
    static func yaml(
        terminals ids: [String],
        missed: [String] = [],
        interval: String = "1s",
        sections: String = "",
        scenario: String = ""
    ) -> String {
        var lines = [
            "polling: {interval: \(interval), timeout: 2s}",
            "simulation:",
            "  seed: 5",
            "  transactions_per_minute: 120",
            "  credit_pay_share: 0.5",
            "  scenario:",
            "    missed_update: [\(missed.joined(separator: ", "))]",
            "    still_trying_share: 0.0",
        ]
        if !scenario.isEmpty { lines.append(scenario) }
        if !sections.isEmpty { lines.append(sections) }
        lines.append("terminals:")
        for (index, id) in ids.enumerated() {
            lines.append(
                "  - {id: \(id), store: s-\(index % 2 + 1), providers: {wechat-payscore: {state: cancelled, cutover: \(cutover)}}}"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
