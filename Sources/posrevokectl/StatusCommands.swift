import ArgumentParser
import Foundation
import PosrevokeControl

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what the daemon is doing.")
    @OptionGroup var connection: Connection

    func run() {
        connection.result(connection.call(.status), as: StatusView.self) { status in
            Output.fields([
                ("status", status.statusLine),
                ("terminals", String(status.terminals)),
                ("alerts firing", String(status.alertsFiring)),
                ("last reload", status.reload),
                (
                    "polls",
                    "\(status.pollsLaunched) started, \(status.pollsSkipped) skipped, "
                        + "\(status.pollsBackedOff) passed over (failing terminals backed off)"
                ),
                (
                    "lateness",
                    String(
                        format: "p50 %.1f ms, p99 %.1f ms",
                        status.latenessP50Milliseconds,
                        status.latenessP99Milliseconds
                    )
                ),
                ("journal drops", String(status.journalDropped)),
                (
                    "alert entries to write",
                    "\(status.alertsUnwritten)" + (status.journalError.map { " (journald refuses them: \($0))" } ?? "")
                ),
                ("feedback", "\(status.feedbackStored) entries stored, \(status.feedbackDuplicates) delivered again"),
                ("future-dated", "\(status.futureTimesClamped) entries clamped to the daemon's clock"),
                (
                    "callbacks",
                    status.callbacks.map {
                        "\($0.accepted) handled, \($0.duplicates) delivered again, \($0.refused) refused"
                            + ($0.lastRefusal.isEmpty ? "" : " (last: \($0.lastRefusal))")
                    } ?? "off (callbacks.listen)"
                ),
                (
                    "plans",
                    status.plans.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                ),
                (
                    "jobs",
                    status.jobs.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                ),
            ])
        }
    }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reload the config file; exits 1 and prints every error when it is invalid.",
        discussion: "Synchronous: used as the unit's ExecReload=, so `systemctl reload` fails visibly on a bad config."
    )
    @OptionGroup var connection: Connection

    func run() throws {
        let response = connection.call(.reload)
        let view = try response.decode(ReloadView.self)
        if connection.json {
            Output.json(response.result)
        } else if view.applied {
            print("reloaded: \(view.terminals) terminals")
        } else {
            FileHandle.standardError.write(
                Data(
                    ("reload rejected, the running config stays:\n"
                        + view.errors.map { "  \($0)" }.joined(separator: "\n") + "\n").utf8
                )
            )
        }
        if !view.applied { throw ExitCode(1) }
    }
}

struct Backups: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check backups.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify every transaction backup against its SHA-256 manifest."
        )
        @OptionGroup var connection: Connection

        func run() throws {
            let response = connection.call(.backupsVerify)
            let checks = try response.decode([BackupCheck].self)
            connection.result(response, as: [BackupCheck].self) { checks in
                Output.table(
                    ["PLAN", "TERMINAL", "OK", "DETAIL"],
                    checks.map { [$0.plan, $0.terminal, $0.ok ? "ok" : "FAILED", $0.detail] }
                )
            }
            if checks.contains(where: { !$0.ok }) { throw ExitCode(1) }
        }
    }
}

struct Terminals: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List terminals or show one, or write an inventory from the TMS.",
        subcommands: [List.self, Show.self, Import.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every terminal with its cancellation state.")
        @OptionGroup var connection: Connection

        func run() {
            connection.result(connection.call(.terminalsList), as: [TerminalView].self) { terminals in
                Output.table(
                    ["TERMINAL", "STORE", "DRIVER", "POLL", "PROVIDERS", "FIRING"],
                    terminals.map {
                        [
                            $0.id, $0.store, $0.driver, $0.pollInterval,
                            $0.providers.sorted { $0.key < $1.key }.map {
                                "\($0.key)=\($0.value.split(separator: " ").first ?? "")"
                            }.joined(separator: " "),
                            $0.firing.joined(separator: ","),
                        ]
                    }
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one terminal.")
        @OptionGroup var connection: Connection
        @Argument(help: "Terminal id.") var id: String

        func run() {
            connection.result(connection.call(.terminalsShow, ["id": id]), as: TerminalView.self) { t in
                var pairs = [
                    ("terminal", t.id), ("store", t.store), ("driver", t.driver), ("poll interval", t.pollInterval),
                    ("cursor", String(t.cursor)), ("firing", t.firing.isEmpty ? "-" : t.firing.joined(separator: ", ")),
                ]
                pairs += t.providers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                Output.fields(pairs)
            }
        }
    }
}
