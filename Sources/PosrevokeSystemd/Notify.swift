import CSystemd

/// The service-manager side of the daemon's life: readiness, status, reloads, watchdog pings.
///
/// Every call is a no-op returning `false` when `NOTIFY_SOCKET` is unset, so the daemon behaves the same
/// under systemd and in a terminal.
public enum ServiceNotifier {
    /// Sends one notification datagram. Several assignments go in one string, separated by newlines.
    @discardableResult
    public static func send(_ assignments: String) -> Bool {
        assignments.withCString { sd_notify(0, $0) } > 0
    }

    /// The watchdog interval systemd expects pings within, or `nil` when the watchdog is off for this process.
    public static func watchdogTimeoutMicroseconds() -> UInt64? {
        var usec: UInt64 = 0
        return sd_watchdog_enabled(0, &usec) > 0 && usec > 0 ? usec : nil
    }
}
