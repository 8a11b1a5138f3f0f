import Foundation
import GRDB
import Testing

/// The sd_notify conversation with systemd, observed on a real datagram socket passed as `NOTIFY_SOCKET`.
@Suite("sd_notify protocol", .serialized)
struct NotifyProtocolTests {
    @Test("READY=1 only once SIGHUP is caught; watchdog cadence and a withheld ping; reload handshake; STOPPING=1")
    func conversation() throws {
        let dir = try TestDirectory()
        let config = try dir.write("posrevoke.yaml", TestConfig.yaml(terminals: ["t-1", "t-2", "t-3"]))
        let listener = try NotifyListener(directory: dir)
        let daemon = try DaemonProcess(
            arguments: ["--config", config, "--state-dir", dir.file("state"), "--log-target", "console"],
            environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"],
            log: dir.file("daemon.log")
        )

        let ready = try #require(
            listener.wait(timeout: 20) { $0.split(separator: "\n").contains("READY=1") },
            "no READY=1; log:\n\(daemon.log)"
        )
        // The daemon only reports ready after the kernel shows its SIGHUP handler as caught.
        let caught = try #require(Self.caughtMask(pid: daemon.pid))
        #expect(caught & (1 << UInt64(SIGHUP - 1)) != 0)
        #expect(caught & (1 << UInt64(SIGTERM - 1)) != 0)
        #expect(ready.text.contains("STATUS=polling 3 terminals"))

        // Watchdog: WATCHDOG_USEC=400ms means a ping every 200ms from the poll loop.
        let windowStart = listener.messages.count
        Thread.sleep(forTimeInterval: 2)
        let pings = listener.messages.dropFirst(windowStart).filter { $0.text == "WATCHDOG=1" }
        #expect((6...14).contains(pings.count), "expected about 10 pings in 2 s, got \(pings.count)")
        // A stalled part stops the pings while the process runs on: another connection holds the state database's
        // write lock, so the engine's commit waits (its busy timeout is 10 s). The daemon must notice, withhold
        // WATCHDOG=1 and say why; once the lock goes, the commit lands and the pings come back.
        let stallFrom = listener.messages.count
        // Waits for the daemon's own commit to end before taking the lock, rather than failing on SQLITE_BUSY.
        var waiting = Configuration()
        waiting.busyMode = .timeout(5)
        let holder = try DatabaseQueue(path: dir.file("state") + "/state.sqlite", configuration: waiting)
        try holder.inTransaction(.exclusive) { _ in
            Thread.sleep(forTimeInterval: 3)
            return .commit
        }
        let releasedAt = Date()
        let withheld = listener.wait(from: stallFrom, timeout: 0) {
            $0.contains("STATUS=watchdog withheld: the engine commit stalled")
        }
        #expect(withheld != nil, "the daemon kept quiet about its stalled commit; log:\n\(daemon.log.suffix(2000))")
        if let withheld {
            let during = listener.messages[withheld.index...].filter { $0.at < releasedAt && $0.text == "WATCHDOG=1" }
            #expect(during.isEmpty, "\(during.count) pings while the commit was stuck")
        }
        // No ping came between the stall's report and the release, so the next one is from after it.
        let resumed = listener.wait(from: withheld?.index ?? stallFrom, timeout: 3) { $0 == "WATCHDOG=1" }
        #expect(resumed != nil, "no ping after the stall ended")
        #expect(
            eventually(timeout: 3) { daemon.log.contains("the engine commit makes progress again") },
            "log:\n\(daemon.log.suffix(2000))"
        )

        // Reload: RELOADING=1 and MONOTONIC_USEC in one datagram, then READY=1.
        let before = listener.messages.count
        daemon.signal(SIGHUP)
        let reloading = try #require(listener.wait(from: before, timeout: 10) { $0.contains("RELOADING=1") })
        let fields = Self.fields(reloading.text)
        let stamp = try #require(
            fields["MONOTONIC_USEC"].flatMap(UInt64.init),
            "MONOTONIC_USEC missing from \(reloading.text)"
        )
        #expect(Self.monotonicMicroseconds() - stamp < 5_000_000)
        let readyAgain = try #require(
            listener.wait(from: reloading.index + 1, timeout: 10) { Self.fields($0)["READY"] == "1" }
        )
        #expect(readyAgain.text.contains("last reload ok"))

        // Stop: STOPPING=1, then exit 0 well within TimeoutStopSec.
        let stopFrom = listener.messages.count
        let stopAt = Date()
        daemon.signal(SIGTERM)
        #expect(listener.wait(from: stopFrom, timeout: 10) { $0.contains("STOPPING=1") } != nil)
        let status = daemon.waitForExit(timeout: 15)
        #expect(status == 0, "log:\n\(daemon.log)")
        #expect(Date().timeIntervalSince(stopAt) < 10)
    }

    @Test("an invalid config at start-up exits 1 with every error, before READY=1")
    func badStartup() throws {
        let dir = try TestDirectory()
        let config = try dir.write("bad.yaml", "polling: {intervall: 5s}\nterminals: [{id: t-1}]\n")
        let listener = try NotifyListener(directory: dir)
        let daemon = try DaemonProcess(
            arguments: ["--config", config, "--state-dir", dir.file("state"), "--log-target", "console"],
            environment: ["NOTIFY_SOCKET": listener.path],
            log: dir.file("daemon.log")
        )
        #expect(daemon.waitForExit(timeout: 15) == 1)
        #expect(daemon.log.contains("polling.intervall: unknown key (did you mean 'interval'?)"))
        #expect(daemon.log.contains("terminals[0].store: is required"))
        #expect(!listener.messages.contains { $0.text.contains("READY=1") })
    }

    @Test("--check-config prints every error with key path and line and exits 1; a good file exits 0")
    func checkConfig() throws {
        let dir = try TestDirectory()
        let bad = try dir.write(
            "bad.yaml",
            "polling:\n  interval: soon\ndetection: {credit_pay_attempt: {threshold: 0}}\n"
        )
        let good = try dir.write("good.yaml", TestConfig.yaml(terminals: ["t-1"]))
        let failing = try DaemonProcess(arguments: ["--check-config", bad], log: dir.file("bad.log"))
        #expect(failing.waitForExit(timeout: 15) == 1)
        #expect(failing.log.contains("line 2: polling.interval: must be a duration"))
        #expect(failing.log.contains("line 3: detection.credit_pay_attempt.threshold: must be between 1 and 1000000"))
        let passing = try DaemonProcess(arguments: ["--check-config", good], log: dir.file("good.log"))
        #expect(passing.waitForExit(timeout: 15) == 0)
        #expect(passing.log.contains("OK (1 terminals)"))
    }

    static func fields(_ datagram: String) -> [String: String] {
        Dictionary(
            datagram.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let eq = line.firstIndex(of: "=") else { return nil }
                return (String(line[..<eq]), String(line[line.index(after: eq)...]))
            },
            uniquingKeysWith: { $1 }
        )
    }

    static func caughtMask(pid: Int32) -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("SigCgt:") }
            .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}
