import Dispatch
import Foundation

/// Dispatch signal sources for the signals the daemon handles, and proof that their handlers are live.
enum Signals {
    /// Installs a source per signal on `queue`. The default action is set to ignore first so a signal arriving
    /// before libdispatch has registered its handler cannot kill the process.
    static func install(
        _ handlers: [Int32: @Sendable () -> Void],
        on queue: DispatchQueue
    ) -> [any DispatchSourceSignal] {
        handlers.map { signo, handler in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Waits until the kernel reports every signal in `signals` as caught (`SigCgt` in /proc/self/status).
    /// libdispatch installs its handler asynchronously; newer systemd refuses a reload-capable service whose
    /// reload signal would still kill it when it reports ready.
    static func waitUntilCaught(_ signals: [Int32], timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let mask = caughtMask(), signals.allSatisfy({ mask & (1 << UInt64($0 - 1)) != 0 }) { return true }
            Thread.sleep(forTimeInterval: 0.002)
        } while Date() < deadline
        return false
    }

    /// The `SigCgt` bit mask of a process (bit n-1 is signal n).
    static func caughtMask(pid: String = "self") -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("SigCgt:") {
            return UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        }
        return nil
    }

    /// CLOCK_MONOTONIC in microseconds, as systemd wants it in `MONOTONIC_USEC=`.
    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}
