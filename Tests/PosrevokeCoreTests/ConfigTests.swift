import Foundation
import PosrevokeCore
import Testing

@Suite("Config parsing and validation")
struct ConfigTests {
    static let terminal = """
        terminals:
          - id: t-1
            store: s-1
            providers:
              wechat-payscore: {state: cancelled, cutover: 2026-11-01T02:00:00+08:00}
        """

    func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try ConfigParser.parse(yaml: yaml)
            return []
        } catch {
            return error.issues
        }
    }

    @Test("an empty file is the all-defaults config")
    func empty() throws {
        let config = try ConfigParser.parse(yaml: "")
        #expect(config == DaemonConfig())
    }

    @Test("every section is read")
    func full() throws {
        let config = try ConfigParser.parse(
            yaml: """
                daemon: {state_dir: /srv/state, status_interval: 2s}
                polling: {interval: 15s, timeout: 3s, max_concurrent: 8, page_limit: 100}
                detection:
                  lingering_credit_pay: {enabled: true, resolve_after: 30m, repeat_interval: 2h}
                  credit_pay_attempt: {enabled: false, threshold: 5, window: 10m, for: 1m, repeat_interval: 1h}
                  terminal_unreachable: {consecutive_failures: 4, repeat_interval: 3h}
                  payment_failure_rate: {window: 20m, margin: 0.2, min_sample: 30, baseline_min_sample: 10, baseline_default: 0.05, for: 2m, repeat_interval: 6h}
                alerts: {burst: 20, rate_per_second: 2.5, summary_interval: 30s}
                store: {transaction_retention: 30d}
                simulation:
                  seed: 99
                  transactions_per_minute: 12
                  credit_pay_share: 0.2
                  scenario:
                    missed_update: [t-1]
                    still_trying_share: 0.01
                    offline: [{terminal: t-1, after: 1m, for: 2m}]
                    error_bursts: [{store: s-1, method: qr, after: 30s, for: 5m, error_rate: 0.5}]
                terminals:
                  - id: t-1
                    store: s-1
                    tags: [mall, north]
                    driver: simulated
                    poll_interval: 1m
                    providers:
                      wechat-payscore: {state: cancelled, cutover: "2026-11-01T02:00:00+08:00"}
                      alipay-credit: {state: active}
                """
        )
        #expect(config.daemon.stateDirectory == "/srv/state")
        #expect(config.polling.interval == .seconds(15))
        #expect(config.polling.maxConcurrent == 8)
        #expect(config.detection.lingeringCreditPay.resolveAfter == .seconds(1800))
        #expect(config.detection.creditPayAttempt.enabled == false)
        #expect(config.detection.creditPayAttempt.pendingFor == .seconds(60))
        #expect(config.detection.terminalUnreachable.consecutiveFailures == 4)
        #expect(config.detection.paymentFailureRate.margin == 0.2)
        #expect(config.alerts.ratePerSecond == 2.5)
        #expect(config.store.transactionRetention == .seconds(30 * 86400))
        #expect(config.simulation.seed == 99)
        #expect(
            config.simulation.scenario.offline == [
                OfflineWindow(terminal: "t-1", after: .seconds(60), duration: .seconds(120))
            ]
        )
        #expect(config.simulation.scenario.errorBursts.first?.method == .qr)
        let terminal = try #require(config.terminals.first)
        #expect(terminal.tags == ["mall", "north"])
        #expect(terminal.pollInterval == .seconds(60))
        #expect(terminal.providers[.wechatPayscore]?.cutover == Date(timeIntervalSince1970: 1_793_469_600))
        #expect(terminal.providers[.alipayCredit] == ProviderCancellation(state: .active, cutover: nil))
    }

    @Test("terminals inherit polling.interval unless they set their own")
    func inheritedInterval() throws {
        let config = try ConfigParser.parse(yaml: "polling: {interval: 7s}\n" + Self.terminal)
        #expect(config.terminals[0].pollInterval == .seconds(7))
    }

    @Test("unknown keys are errors, with the path, the line and a suggestion")
    func unknownKeys() {
        let found = issues(
            """
            polling:
              intervall: 10s
            detection:
              credit_pay_attempt:
                treshold: 3
            bogus: 1
            """
        )
        #expect(
            found.contains(
                ConfigIssue(path: "polling.intervall", line: 2, message: "unknown key (did you mean 'interval'?)")
            )
        )
        #expect(
            found.contains(
                ConfigIssue(
                    path: "detection.credit_pay_attempt.treshold",
                    line: 5,
                    message: "unknown key (did you mean 'threshold'?)"
                )
            )
        )
        #expect(found.contains { $0.path == "bogus" && $0.line == 6 })
        #expect(found.count == 3)
    }

    @Test(
        "every kind of bad value is reported, all in one pass",
        arguments: [
            ("polling: {interval: 10}", "polling.interval", "must be a duration"),
            ("polling: {interval: 0s}", "polling.interval", "must be longer than zero"),
            ("polling: {interval: -5s}", "polling.interval", "must be a duration"),
            ("polling: {max_concurrent: 0}", "polling.max_concurrent", "must be between 1 and 100000"),
            ("polling: {page_limit: many}", "polling.page_limit", "must be an integer"),
            ("polling: [1, 2]", "polling", "must be a mapping"),
            (
                "detection: {payment_failure_rate: {margin: 1.5}}", "detection.payment_failure_rate.margin",
                "must be between 0.0 and 1.0"
            ),
            (
                "detection: {payment_failure_rate: {margin: lots}}", "detection.payment_failure_rate.margin",
                "must be a number"
            ),
            (
                "detection: {lingering_credit_pay: {enabled: maybe}}", "detection.lingering_credit_pay.enabled",
                "must be true or false"
            ),
            ("alerts: {rate_per_second: 0}", "alerts.rate_per_second", "must be between 0.01 and 100000.0"),
            ("simulation: {seed: -1}", "simulation.seed", "must be at least 0"),
            ("terminals: {id: t-1}", "terminals", "must be a list"),
            ("terminals: [{store: s-1}]", "terminals[0].id", "is required"),
            ("terminals: [{id: t-1}]", "terminals[0].store", "is required"),
            ("terminals: [{id: 't 1', store: s}]", "terminals[0].id", "must not contain spaces"),
            ("terminals: [{id: '', store: s}]", "terminals[0].id", "must not be empty"),
            ("terminals: [{id: t-1, store: s, driver: carrier-pigeon}]", "terminals[0].driver", "unknown driver"),
            (
                "terminals: [{id: t-1, store: s, providers: {paypal-later: {state: active}}}]",
                "terminals[0].providers.paypal-later", "unknown provider"
            ),
            (
                "terminals: [{id: t-1, store: s, providers: {wechat-payscore: {state: gone}}}]",
                "terminals[0].providers.wechat-payscore.state", "must be one of"
            ),
            (
                "terminals: [{id: t-1, store: s, providers: {wechat-payscore: {state: cancelled}}}]",
                "terminals[0].providers.wechat-payscore.cutover", "is required"
            ),
            (
                "terminals: [{id: t-1, store: s, providers: {wechat-payscore: {state: active, cutover: 2026-01-01T00:00:00Z}}}]",
                "terminals[0].providers.wechat-payscore.cutover", "only applies"
            ),
            (
                "terminals: [{id: t-1, store: s, providers: {wechat-payscore: {state: cancelled, cutover: yesterday}}}]",
                "terminals[0].providers.wechat-payscore.cutover", "RFC 3339"
            ),
            ("terminals: [{id: t-1, store: s}, {id: t-1, store: s}]", "terminals[1].id", "duplicate terminal id"),
            (
                "simulation: {scenario: {missed_update: [t-9]}}", "simulation.scenario.missed_update[0]",
                "unknown terminal"
            ),
            (
                "simulation: {scenario: {offline: [{terminal: t-9}]}}", "simulation.scenario.offline[0].terminal",
                "unknown terminal"
            ),
            (
                "simulation: {scenario: {offline: [{after: 1m}]}}", "simulation.scenario.offline[0].terminal",
                "is required"
            ),
            (
                "simulation: {scenario: {error_bursts: [{store: s-9, method: card, for: 1m, error_rate: 0.5}]}}",
                "simulation.scenario.error_bursts[0].store", "unknown store"
            ),
            (
                "simulation: {scenario: {error_bursts: [{store: s, method: credit-score-pay, for: 1m, error_rate: 0.5}]}}",
                "simulation.scenario.error_bursts[0].method", "must be one of"
            ),
            (
                "simulation: {scenario: {error_bursts: [{store: s, method: card}]}}",
                "simulation.scenario.error_bursts[0].for", "is required"
            ),
        ]
    )
    func badValues(yaml: String, path: String, message: String) {
        let found = issues(yaml)
        #expect(found.contains { $0.path == path && $0.message.contains(message) }, "got \(found)")
    }

    @Test("a duplicate key is an error, not a silent override")
    func duplicateKey() {
        let found = issues("polling:\n  interval: 5s\n  interval: 10s\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("duplicate key 'interval'") == true)
        #expect(found.first?.line == 2)
    }

    @Test("a YAML syntax error carries its line")
    func syntax() {
        let found = issues("polling:\n  interval: [5s\nterminals: x\n")
        #expect(found.count == 1)
        #expect(found[0].message.hasPrefix("YAML"))
        #expect(found[0].line != nil)
    }

    @Test("errors in many places are all reported together")
    func collectsAll() {
        let found = issues(
            """
            polling: {interval: soon, max_concurrent: 0}
            alerts: {burst: 0}
            terminals: [{id: t-1}]
            """
        )
        #expect(found.count == 4)
        #expect(
            found.map(\.description).contains(
                "line 1: polling.interval: must be a duration such as 500ms, 30s, 5m, 2h or 7d"
            )
        )
    }

    @Test("an unreadable file is reported, not a crash")
    func unreadable() {
        #expect(throws: ConfigErrors.self) { try ConfigParser.load(path: "/nonexistent/posrevoke.yaml") }
    }

    @Test(
        "the shipped example and demo configs are valid",
        arguments: ["config/posrevoke.yaml", "config/demo.yaml", "config/demo-plan.yaml"]
    )
    func shippedConfigs(path: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let config = try ConfigParser.load(path: root.appendingPathComponent(path).path)
        #expect(!config.terminals.isEmpty)
    }

    @Test(
        "durations print and parse",
        arguments: [
            ("500ms", 500), ("30s", 30_000), ("5m", 300_000), ("2h", 7_200_000), ("7d", 604_800_000), ("1.5s", 1500),
        ]
    )
    func durations(text: String, milliseconds: Int64) throws {
        let parsed = try #require(DurationText.parse(text))
        #expect(parsed.milliseconds == milliseconds)
        #expect(DurationText.parse(DurationText.format(parsed)) == parsed)
    }

    @Test(
        "nonsense durations are rejected",
        arguments: ["", "5", "s", "5 minutes", "+5s", "-1s", "5x", "infs", "1e300d", "36600d"]
    )
    func badDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("a plan may not run platform steps on the simulated platform for a terminal that is not simulated")
    func simulatedPlatformForRealTerminal() throws {
        let agent = """
            terminals:
              - id: t-1
                store: s-1
                driver: agent
                url: "https://gw.example.internal/t/t-1"
                providers:
                  wechat-payscore: {state: active}
            """
        let plan = "plans:\n  - id: cancel-all\n"
        let found = issues(agent + "\n" + plan)
        #expect(
            found.contains {
                $0.path == "plans[0].providers" && $0.message.contains("simulated platform")
                    && $0.message.contains("'t-1'")
            },
            "\(found)"
        )
        // Manual (or http) platform steps are fine, and so is the simulated platform for simulated terminals.
        _ = try ConfigParser.parse(
            yaml: agent + "\nplatform: {providers: {wechat-payscore: manual, alipay-credit: manual}}\n" + plan
        )
        _ = try ConfigParser.parse(yaml: Self.terminal + "\n" + plan)
    }

    @Test("gateways are read, and a terminal's gateway must be one of them on an agent terminal")
    func gateways() throws {
        let config = try ConfigParser.parse(
            yaml: """
                gateways:
                  gw-gz01: {url: "https://gw-gz01.example.internal:8443/", token_file: gw-token}
                terminals:
                  - {id: t-1, store: s-1, driver: agent, url: "https://gw-gz01.example.internal:8443/t/t-1", gateway: gw-gz01}
                """
        )
        #expect(config.gateways["gw-gz01"]?.url == "https://gw-gz01.example.internal:8443")
        #expect(config.gateways["gw-gz01"]?.tokenFile == "gw-token")
        #expect(config.terminals.first?.gateway == "gw-gz01")

        let found = issues(
            """
            gateways:
              plain: {url: "http://10.0.0.1:8470", token_file: gw-token}
              "bad name": {url: "https://gw.example.internal"}
              nourl: {token_file: gw-token}
              secret: {url: "https://user:pw@gw.example.internal"}
            terminals:
              - {id: t-2, store: s-1, gateway: plain}
            """
        )
        for (path, words) in [
            ("gateways.plain.token_file", "unencrypted"), ("gateways.bad name", "without spaces"),
            ("gateways.nourl.url", "is required"), ("gateways.secret.url", "user info"),
            ("terminals[0].gateway", "only applies to driver: agent"),
        ] {
            #expect(found.contains { $0.path == path && $0.message.contains(words) }, "\(path): \(found)")
        }
        #expect(!found.contains { $0.message.contains("pw") })
        // References are checked once the sections themselves are sound.
        let unknown = issues(
            """
            terminals:
              - {id: t-1, store: s-1, driver: agent, url: "https://gw.example.internal/t/t-1", gateway: elsewhere}
            """
        )
        #expect(unknown.map(\.path) == ["terminals[0].gateway"])
        #expect(unknown.first?.message.contains("unknown gateway 'elsewhere'") == true)
    }
}
