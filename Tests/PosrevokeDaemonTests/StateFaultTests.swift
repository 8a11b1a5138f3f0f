import Foundation
import Testing

/// Mounting needs root and `unshare`; outside a private mount namespace nothing is ever mounted.
enum PrivateMounts {
    static var isAvailable: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
    }
}

/// The state directory failing under a running daemon: full (a small tmpfs) and then freed; read-only. Each in a
/// private mount namespace, so nothing is mounted on the machine itself. Afterwards the store must still hold every
/// terminal's log exactly once.
@Suite(
    "State directory faults",
    .serialized,
    .enabled(if: PrivateMounts.isAvailable, "needs root and unshare")
)
struct StateFaultTests {
    static let terminals = ["t-1", "t-2", "t-3", "t-4"]

    static func config(_ dir: TestDirectory) throws -> String {
        try dir.write(
            "posrevoke.yaml",
            TestConfig.yaml(terminals: terminals, missed: ["t-2"], sections: "daemon: {status_interval: 1s}")
        )
    }

    /// Runs `script` (with the state directory as `$1`) in a private mount namespace, then the daemon.
    static func inNamespace(_ script: String, state: String) -> [String] {
        ["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script, "sh", state]
    }

    @Test(
        "a full state directory: polling goes on, commits fail loudly, and once freed nothing is missing",
        .timeLimit(.minutes(2))
    )
    func full() throws {
        let dir = try TestDirectory()
        let config = try Self.config(dir)
        let state = dir.file("state")
        let kept = dir.file("kept")
        try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
        let listener = try NotifyListener(directory: dir)
        // The tmpfs lives only as long as the namespace: the shell copies the state out after the daemon stops.
        let script = #"""
            state=$1; kept=$2; shift 2
            mkdir -p "$state" && mount -t tmpfs -o size=4m posrevoke-test "$state" || exit 90
            "$@"; rc=$?
            cp -a "$state"/. "$kept"/ && exit $rc
            """#
        let daemon = try DaemonProcess(
            arguments: ["--config", config, "--state-dir", state, "--log-target", "console"],
            environment: ["NOTIFY_SOCKET": listener.path],
            log: dir.file("daemon.log"),
            command: Self.inNamespace(script, state: state) + [kept, DaemonProcess.binary]
        )
        #expect(listener.wait(timeout: 20) { $0.contains("READY=1") } != nil, "log:\n\(daemon.log)")
        let shell = daemon.pid
        let child = try #require(daemon.childPID(), "no daemon under the namespace's shell")
        // Whatever fails below, no daemon outlives the test.
        defer { kill(child, SIGKILL) }
        Thread.sleep(forTimeInterval: 2)

        // Fill the tmpfs through the namespace's root, as another process on the machine would.
        let filler = "/proc/\(shell)/root\(state)/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0, "cannot create \(filler): errno \(errno)")
        let chunk = [UInt8](repeating: 0x55, count: 64 * 1024)
        var full = false
        for _ in 0..<4096 where write(fd, chunk, chunk.count) < 0 {
            full = errno == ENOSPC
            break
        }
        close(fd)
        try #require(full, "the tmpfs never filled")
        let filledMark = listener.messages.count

        let refused = eventually(timeout: 30, interval: 0.2) { daemon.log.contains("cannot commit") }
        #expect(refused, "no commit failed while the disk was full; log:\n\(daemon.log.suffix(2000))")
        Thread.sleep(forTimeInterval: 3)
        #expect(kill(child, 0) == 0, "the daemon died on a full disk; log:\n\(daemon.log.suffix(2000))")
        let statuses = listener.messages[filledMark...].filter { $0.text.contains("STATUS=polling 4 terminals") }
        #expect(statuses.count >= 3, "the loop stopped while the disk was full")

        #expect(unlink(filler) == 0)
        let freedAt = Date()
        Thread.sleep(forTimeInterval: 5)
        kill(child, SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0, "log:\n\(daemon.log.suffix(2000))")

        // Every transaction exactly once, and the cursor past everything logged before the disk was freed: what the
        // terminals logged while nothing could be written was fetched again and kept.
        let cursors = try StoreAudit.storeMatchesTerminalLogs(state: kept, config: config, terminals: Self.terminals)
        for terminal in Self.terminals {
            let logged = try StoreAudit.logLength(state: kept, config: config, terminal: terminal, at: freedAt)
            #expect(Int(cursors[terminal] ?? 0) >= logged, "\(terminal): \(cursors[terminal] ?? 0) of \(logged)")
        }
    }

    @Test(
        "a read-only state directory: the daemon refuses to start and says why; later it goes on where it stopped",
        .timeLimit(.minutes(2))
    )
    func readOnly() throws {
        let dir = try TestDirectory()
        let config = try Self.config(dir)
        let state = dir.file("state")
        let arguments = ["--config", config, "--state-dir", state, "--log-target", "console"]
        func run(_ name: String, readOnly: Bool) throws -> (DaemonProcess, NotifyListener) {
            let listener = try NotifyListener(directory: dir, name: "\(name).sock")
            let script = #"""
                state=$1; shift
                mount --bind "$state" "$state" && mount -o remount,bind,ro "$state" || exit 90
                exec "$@"
                """#
            let daemon = try DaemonProcess(
                arguments: arguments,
                environment: ["NOTIFY_SOCKET": listener.path],
                log: dir.file("\(name).log"),
                command: readOnly ? Self.inNamespace(script, state: state) + [DaemonProcess.binary] : nil
            )
            return (daemon, listener)
        }

        let (first, firstListener) = try run("first", readOnly: false)
        #expect(firstListener.wait(timeout: 20) { $0.contains("READY=1") } != nil, "log:\n\(first.log)")
        Thread.sleep(forTimeInterval: 3)
        first.signal(SIGTERM)
        #expect(first.waitForExit(timeout: 20) == 0)
        let before = try StoreAudit.storeMatchesTerminalLogs(state: state, config: config, terminals: Self.terminals)

        let (refused, refusedListener) = try run("read-only", readOnly: true)
        let status = refused.waitForExit(timeout: 20)
        #expect(status == 1, "exit status \(String(describing: status)); log:\n\(refused.log)")
        #expect(!refusedListener.messages.contains { $0.text.contains("READY=1") }, "a read-only daemon said READY=1")
        #expect(refused.log.contains("read-only") && refused.log.contains(state), "log:\n\(refused.log)")

        let (again, againListener) = try run("again", readOnly: false)
        #expect(againListener.wait(timeout: 20) { $0.contains("READY=1") } != nil, "log:\n\(again.log)")
        Thread.sleep(forTimeInterval: 3)
        again.signal(SIGTERM)
        #expect(again.waitForExit(timeout: 20) == 0)
        let after = try StoreAudit.storeMatchesTerminalLogs(state: state, config: config, terminals: Self.terminals)
        for terminal in Self.terminals {
            #expect((after[terminal] ?? 0) > (before[terminal] ?? 0), "\(terminal) did not go on polling")
        }
    }
}
