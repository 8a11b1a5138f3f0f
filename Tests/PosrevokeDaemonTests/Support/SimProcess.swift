import Foundation

/// The built `posrevoke-sim`, serving a config's terminals over loopback HTTP.
final class SimProcess {
    let process = Process()
    let logPath: String
    /// `http://127.0.0.1:PORT`, from the ready line.
    private(set) var base = ""

    static var binary: String {
        URL(fileURLWithPath: DaemonProcess.binary).deletingLastPathComponent().appendingPathComponent("posrevoke-sim")
            .path
    }

    init(arguments: [String], log: String) throws {
        logPath = log
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw HarnessError("cannot create \(log)")
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--listen", "127.0.0.1:0"] + arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var found: String?
        _ = eventually(timeout: 20, interval: 0.05) {
            found = self.log.split(separator: "\n").first { $0.hasPrefix("posrevoke-sim ready: ") }
                .map { String($0.dropFirst("posrevoke-sim ready: ".count).split(separator: " ")[0]) }
            return found != nil
        }
        guard let found else { throw HarnessError("posrevoke-sim did not get ready:\n\(log)") }
        base = found
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, and the exit status (nil if it had to be killed).
    func stop() -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
