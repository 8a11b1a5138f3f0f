import ArgumentParser
import Foundation
import PosrevokeControl

/// `posrevokectl`: the operator's tool for a running posrevoked.
struct PosrevokeCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posrevokectl",
        abstract: "Control a running posrevoked: status, terminals, alerts, plans, jobs, feedback and platforms.",
        subcommands: [
            Status.self, Terminals.self, Alerts.self, Plans.self, Jobs.self, Feedback.self, Authorizations.self,
            Platform.self, Bills.self, Reload.self, Backups.self,
        ]
    )
}

/// Options every command takes.
struct Connection: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The daemon's control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock)."
    )
    var socket: String?

    @Flag(name: .long, help: "Print the daemon's JSON instead of a table.")
    var json = false

    /// Sends a request; exits 1 with the daemon's error when it refuses.
    func call(
        _ command: ControlCommand,
        _ args: [String: String] = [:],
        body: String? = nil,
        timeout: TimeInterval = 30
    ) -> ControlResponse {
        let client = ControlClient(path: socket ?? ControlCoding.defaultSocketPath(), timeout: timeout)
        do {
            let response = try client.send(ControlRequest(command, args: args, body: body))
            guard response.ok else { Output.fail(response.error ?? "the daemon refused the request") }
            return response
        } catch {
            Output.fail("\(error)")
        }
    }

    /// Prints `--json` output, or decodes the result for a human rendering.
    func result<T: Decodable>(_ response: ControlResponse, as type: T.Type, human: (T) -> Void) {
        if json {
            Output.json(response.result)
            return
        }
        do {
            human(try response.decode(type))
        } catch {
            Output.fail("cannot read the daemon's answer: \(error)")
        }
    }
}

PosrevokeCtl.main()
