import ArgumentParser
import Foundation
import PosrevokeControl
import PosrevokeCore

struct Plans: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and steer cancellation plans.",
        subcommands: [Create.self, List.self, Show.self, Pause.self, Resume.self, Cancel.self, Watch.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a plan from a YAML file (the same keys as one entry of `plans:` in the config)."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "Plan file.") var file: String

        func run() {
            guard let body = try? String(contentsOfFile: file, encoding: .utf8) else {
                Output.fail("cannot read \(file)")
            }
            connection.result(connection.call(.plansCreate, body: body), as: PlanView.self) { plan in
                print(
                    Output.safe(
                        "created plan \(plan.config.id): \(plan.jobs.values.reduce(0, +)) jobs in \(plan.waves.count) waves"
                    )
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List plans.")
        @OptionGroup var connection: Connection

        func run() {
            connection.result(connection.call(.plansList), as: [PlanView].self) { plans in
                Output.table(
                    ["PLAN", "KIND", "STATE", "WAVE", "JOBS", "DONE", "FAILED", "SOURCE", "NOTE"],
                    plans.map { plan in
                        let total = plan.jobs.values.reduce(0, +)
                        return [
                            plan.config.id, plan.config.kind.rawValue, plan.state.status.rawValue,
                            "\(max(plan.state.currentWave + 1, 0))/\(plan.state.waveCount)", String(total),
                            String(plan.jobs["completed"] ?? 0), String(plan.jobs["failed"] ?? 0), plan.source,
                            plan.state.pauseReason ?? "",
                        ]
                    }
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a plan and its waves.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id.") var id: String

        func run() {
            connection.result(connection.call(.plansShow, ["id": id]), as: PlanView.self) { Plans.render($0) }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a plan: no job starts a new step.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id.") var id: String

        func run() {
            connection.result(connection.call(.plansPause, ["id": id]), as: PlanView.self) {
                print(Output.safe("plan \($0.config.id) is \($0.state.status.rawValue)"))
            }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused plan.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id.") var id: String
        @Flag(name: .long, help: "Let the next wave start even if its health gate would fail.") var skipGate = false

        func run() {
            connection.result(
                connection.call(.plansResume, ["id": id, "force": String(skipGate)]),
                as: PlanView.self
            ) {
                print(Output.safe("plan \($0.config.id) is \($0.state.status.rawValue)"))
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a plan and every unfinished job in it.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id.") var id: String

        func run() {
            connection.result(connection.call(.plansCancel, ["id": id]), as: PlanView.self) {
                print(Output.safe("plan \($0.config.id) is \($0.state.status.rawValue)"))
            }
        }
    }

    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show live per-wave progress until the plan finishes (Ctrl-C to stop)."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id.") var id: String
        @Option(name: .long, help: "Seconds between refreshes.") var interval = 2.0

        func run() {
            while true {
                let response = connection.call(.plansShow, ["id": id])
                if connection.json {
                    Output.json(response.result)
                } else if let plan = try? response.decode(PlanView.self) {
                    if isatty(STDOUT_FILENO) != 0 { print("\u{1B}[2J\u{1B}[H", terminator: "") }
                    Plans.render(plan)
                }
                if let plan = try? response.decode(PlanView.self), [.completed, .cancelled].contains(plan.state.status)
                {
                    return
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
    }

    static func render(_ plan: PlanView) {
        Output.fields([
            ("plan", "\(plan.config.id) (\(plan.config.kind.rawValue), \(plan.source))"),
            ("state", plan.state.status.rawValue + (plan.state.pauseReason.map { ": \($0)" } ?? "")),
            ("providers", plan.config.providers.map(\.rawValue).joined(separator: ", ")),
            ("window", "\(plan.config.window.start)–\(plan.config.window.end) \(plan.config.window.timeZone)"),
            ("jobs", plan.jobs.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")),
        ])
        print("")
        Output.table(
            ["WAVE", "PROGRESS (cut over)", "DONE", "FAILED", ""],
            plan.waves.map { wave in
                [
                    "\(wave.number)", Output.bar(wave.settled, of: wave.jobs), "\(wave.completed)", "\(wave.failed)",
                    wave.released ? "" : "not started",
                ]
            }
        )
    }
}

struct Jobs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and steer jobs.",
        subcommands: [
            List.self, Show.self, Confirm.self, Retry.self, Pause.self, Resume.self, Cancel.self, RunNow.self,
        ]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs.")
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "Only this plan.") var plan: String?
        @Option(
            name: .long,
            help: "Only this status (queued, ready, running, waiting, gated, paused, failed, cancelled, completed)."
        ) var status: String?

        func run() {
            var args: [String: String] = [:]
            args["plan"] = plan
            args["status"] = status
            connection.result(connection.call(.jobsList, args), as: [Job].self) { jobs in
                Output.table(
                    ["JOB", "WAVE", "STEP", "STATUS", "ATTEMPT", "NEXT", "NOTE"],
                    jobs.map {
                        [
                            $0.id, "\($0.wave + 1)", $0.step.rawValue, $0.status.rawValue, "\($0.attempt)",
                            Output.time($0.nextDue),
                            $0.lastError ?? $0.context["gate"] ?? "",
                        ]
                    }
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job.")
        @OptionGroup var connection: Connection
        @Argument(help: "Job id: plan/terminal/provider.") var id: String

        func run() {
            connection.result(connection.call(.jobsShow, ["id": id]), as: Job.self) { job in
                var pairs = [
                    ("job", job.id), ("kind", job.kind.rawValue), ("wave", "\(job.wave + 1)"),
                    ("step", "\(job.step.rawValue) (\(job.stepIndex + 1) of \(job.steps.count))"),
                    ("status", job.status.rawValue),
                    ("attempt", "\(job.attempt)"), ("next", Output.time(job.nextDue)),
                    ("step since", Output.time(job.stepSince)),
                    ("last error", job.lastError ?? "-"), ("steps", job.steps.map(\.rawValue).joined(separator: " → ")),
                ]
                pairs += job.context.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                Output.fields(pairs)
            }
        }
    }

    struct Confirm: JobAction {
        static let configuration = CommandConfiguration(
            abstract: "Confirm a gated step (vendor confirmation, manual platform, hardware removed)."
        )
        static let command = ControlCommand.jobsConfirm
        @OptionGroup var connection: Connection
        @Argument(help: "Job id.") var id: String
    }

    struct Retry: JobAction {
        static let configuration = CommandConfiguration(abstract: "Retry a failed job from its failed step.")
        static let command = ControlCommand.jobsRetry
        @OptionGroup var connection: Connection
        @Argument(help: "Job id.") var id: String
    }

    struct Pause: JobAction {
        static let configuration = CommandConfiguration(abstract: "Pause a job: it starts no new step until resumed.")
        static let command = ControlCommand.jobsPause
        @OptionGroup var connection: Connection
        @Argument(help: "Job id.") var id: String
    }

    struct Resume: JobAction {
        static let configuration = CommandConfiguration(abstract: "Resume a paused job.")
        static let command = ControlCommand.jobsResume
        @OptionGroup var connection: Connection
        @Argument(help: "Job id.") var id: String
    }

    struct Cancel: JobAction {
        static let configuration = CommandConfiguration(abstract: "Cancel a job.")
        static let command = ControlCommand.jobsCancel
        @OptionGroup var connection: Connection
        @Argument(help: "Job id.") var id: String
    }

    struct RunNow: JobAction {
        static let configuration = CommandConfiguration(
            commandName: "run-now",
            abstract: "Run a job's current step now (its window still applies)."
        )
        static let command = ControlCommand.jobsRunNow
        @OptionGroup var connection: Connection
        @Argument(help: "Job id.") var id: String
    }
}

/// A job subcommand that sends one command for one job id and prints where the job stands afterwards.
protocol JobAction: ParsableCommand {
    static var command: ControlCommand { get }
    var connection: Connection { get }
    var id: String { get }
}

extension JobAction {
    func run() {
        connection.result(connection.call(Self.command, ["id": id]), as: Job.self) { job in
            print(Output.safe("job \(job.id): \(job.step.rawValue) \(job.status.rawValue)"))
        }
    }
}
