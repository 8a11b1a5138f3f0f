import ArgumentParser
import Foundation
import Logging
import PosrevokeCore
import PosrevokeDaemon

/// `posrevoked`: watches a POS fleet after credit-score pay was cancelled and alerts to journald.
struct Posrevoked: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posrevoked",
        abstract: "Watch POS terminals for lingering credit-score pay and payment failures; alert to journald."
    )

    @Option(name: .long, help: "Config file to run with.")
    var config = "/etc/posrevoke/posrevoke.yaml"

    @Option(
        name: .customLong("check-config"),
        help: ArgumentHelp("Validate a config file, print every error, and exit.", valueName: "path")
    )
    var checkConfig: String?

    @Option(
        name: .customLong("state-dir"),
        help: "State directory (default: $STATE_DIRECTORY, then daemon.state_dir, then /var/lib/posrevoke)."
    )
    var stateDir: String?

    @Option(
        name: .customLong("control-socket"),
        help: "Control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock)."
    )
    var controlSocket: String?

    @Option(name: .customLong("log-target"), help: "auto, journal or console.")
    var logTarget: String = "auto"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard LogTarget(rawValue: logTarget) != nil else {
            throw ValidationError("--log-target must be one of: auto, journal, console")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func run() throws {
        if let path = checkConfig {
            do {
                let parsed = try ConfigParser.load(path: path)
                let findings = CredentialCheck.findings(parsed)
                for finding in findings { printError("\(path): \(finding.isError ? "" : "note: ")\(finding.text)") }
                guard !findings.contains(where: \.isError) else { throw ExitCode(1) }
                print("\(path): OK (\(parsed.terminals.count) terminals)")
                return
            } catch let error as ConfigErrors {
                for issue in error.issues { printError("\(path): \(issue)") }
                throw ExitCode(1)
            }
        }
        JournalLogHandler.bootstrap(target: LogTarget(rawValue: logTarget)!, level: Logger.Level(rawValue: logLevel)!)
        let logger = Logger(label: "posrevoked")
        let daemon: Daemon
        do {
            daemon = try Daemon(
                options: DaemonOptions(configPath: config, stateDirectory: stateDir, controlSocket: controlSocket),
                logger: logger
            )
        } catch let error as ConfigErrors {
            for issue in error.issues { logger.critical("\(config): \(issue)") }
            JournalLogHandler.flush()
            throw ExitCode(1)
        } catch {
            logger.critical("cannot start: \(error)")
            JournalLogHandler.flush()
            throw ExitCode(1)
        }
        daemon.run()
    }

    private func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

Posrevoked.main()
