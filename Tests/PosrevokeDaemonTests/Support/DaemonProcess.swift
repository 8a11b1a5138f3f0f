import Foundation

/// The built `posrevoked`, run as a real child process.
final class DaemonProcess {
    /// The binary next to the test bundle (built by `swift build`), or `$POSREVOKED_BIN`.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["POSREVOKED_BIN"] { return explicit }
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent == "MacOS" || dir.path.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("posrevoked").path
    }

    let process = Process()
    let logPath: String
    private(set) var pid: Int32 = 0

    /// Starts the daemon directly, or inside a private journald's mount namespace.
    /// - Parameter command: what to run instead of the daemon binary, with `arguments` after it (e.g. a shell that
    ///   runs the daemon twice).
    init(
        arguments: [String],
        environment: [String: String] = [:],
        journal: PrivateJournal? = nil,
        log: String,
        command: [String]? = nil
    ) throws {
        logPath = log
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw HarnessError("cannot create \(log)")
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] where environment[key] == nil {
            env[key] = nil
        }
        process.environment = env
        process.standardOutput = output
        process.standardError = output
        if let journal {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments =
                [
                    "-m", "--propagation", "private", journal.script, journal.output, journal.pidFile, "--",
                ] + (command ?? [Self.binary]) + arguments
            try process.run()
            pid = try journal.waitForPID()
        } else {
            let command = command ?? [Self.binary]
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst()) + arguments
            try process.run()
            pid = process.processIdentifier
        }
    }

    func signal(_ signo: Int32) { kill(pid, signo) }

    /// Stops the private journald (its socket stays and refuses entries) or starts it again.
    func journald(running: Bool) { kill(process.processIdentifier, running ? SIGUSR2 : SIGUSR1) }

    /// The pid of a child of the started command, e.g. the daemon a shell runs; nil if it has none.
    func childPID() -> Int32? {
        let path = "/proc/\(pid)/task/\(pid)/children"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Int32($0) }
    }

    var isRunning: Bool { kill(pid, 0) == 0 && process.isRunning }

    /// Waits for the (outer) process to exit; returns its status, or nil on timeout (after killing it).
    @discardableResult
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else {
            kill(pid, SIGKILL)
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: TimeInterval, interval: TimeInterval = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: interval)
    } while Date() < deadline
    return false
}

extension DaemonProcess {
    /// The daemon on `config`, logging to its own private journald, with its state and control socket in `dir`.
    static func withPrivateJournal(
        _ dir: TestDirectory,
        config: String
    ) throws -> (
        DaemonProcess, PrivateJournal, socket: String
    ) {
        let journal = PrivateJournal(directory: dir)
        let socket = dir.file("control.sock")
        let daemon = try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file("state"), "--control-socket", socket, "--log-target",
                "journal",
            ],
            journal: journal,
            log: dir.file("daemon.log")
        )
        return (daemon, journal, socket)
    }
}

extension DaemonProcess {
    /// The daemon on `config`, with its state directory, control socket (`control.sock`) and log in `dir`, logging
    /// to its console.
    static func console(config: String, in dir: TestDirectory) throws -> DaemonProcess {
        try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file("state"), "--control-socket", dir.file("control.sock"),
                "--log-target", "console",
            ],
            log: dir.file("daemon.log")
        )
    }
}
