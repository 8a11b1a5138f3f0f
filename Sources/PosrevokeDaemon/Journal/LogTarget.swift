import Foundation

/// Where log lines go: the native journal, readable stderr lines, or whichever fits how the daemon was started.
public enum LogTarget: String, Sendable, CaseIterable {
    /// Journal only when stderr already goes to the journal (started by systemd); otherwise the console,
    /// plus the journal when a journald socket exists.
    case auto
    case journal
    case console

    /// Resolves `auto` against the process's environment: (journal, console).
    package func destinations(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (journal: Bool, console: Bool) {
        switch self {
        case .journal: return (true, false)
        case .console: return (false, true)
        case .auto:
            if Self.stderrIsJournal(environment) { return (true, false) }
            return (FileManager.default.fileExists(atPath: "/run/systemd/journal/socket"), true)
        }
    }

    /// systemd sets `JOURNAL_STREAM=dev:ino` for the stream it connected; it is ours if stderr matches.
    package static func stderrIsJournal(_ environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
