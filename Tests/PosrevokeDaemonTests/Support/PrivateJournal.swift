import Foundation

/// A standalone systemd-journald in a private mount namespace, so tests read real journal entries back
/// without touching the machine's journal. Needs root and `unshare`.
struct PrivateJournal {
    /// Why a private journald cannot run here, or nil when it can.
    static var unavailableReason: String? {
        if geteuid() != 0 { return "needs root to mount a private journal namespace" }
        for tool in ["/usr/bin/unshare", "/usr/bin/nsenter", "/lib/systemd/systemd-journald", "/usr/bin/journalctl"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing"
        }
        return nil
    }

    static var isAvailable: Bool {
        if let reason = unavailableReason {
            FileHandle.standardError.write(Data("SKIPPING real-journald tests: \(reason)\n".utf8))
            return false
        }
        return true
    }

    let script: String
    let output: String
    let pidFile: String

    init(directory: TestDirectory) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        script = root.appendingPathComponent("Support/with-private-journald.sh").path
        output = directory.file("journal.json")
        pidFile = directory.file("daemon.pid")
    }

    func waitForPID(timeout: TimeInterval = 10) throws -> Int32 {
        var pid: Int32?
        _ = eventually(timeout: timeout, interval: 0.01) {
            pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return pid != nil
        }
        guard let pid else { throw HarnessError("the private journald did not start the daemon") }
        return pid
    }

    /// Entries written so far, read live from inside the daemon's namespace.
    func liveEntries(daemonPID: Int32, matches: [String] = []) -> [[String: String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments =
            [
                "-t", String(daemonPID), "-m", "journalctl", "-o", "json", "--no-pager",
                "SYSLOG_IDENTIFIER=posrevoked",
            ] + matches
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Self.parse(String(decoding: data, as: UTF8.self))
    }

    /// Every entry the daemon logged, read after it exited.
    func entries() throws -> [[String: String]] {
        Self.parse(try String(contentsOfFile: output, encoding: .utf8))
    }

    static func parse(_ text: String) -> [[String: String]] {
        text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return object.compactMapValues { $0 as? String }
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
