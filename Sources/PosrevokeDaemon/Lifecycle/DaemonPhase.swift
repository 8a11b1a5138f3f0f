/// Where the daemon is in its life. Changed on the poll loop only; `READY=1`, `RELOADING=1` and `STOPPING=1`
/// tell systemd the same.
enum DaemonPhase: Sendable, Equatable {
    /// Built, signal handlers and control socket not yet live: nothing is polled.
    case starting
    case running
    /// A `SIGHUP` or `posrevokectl reload` is being applied; a second one waits for the loop.
    case reloading
    /// Polls are draining and the outbox is being written; nothing new starts.
    case stopping

    /// Whether a reload may start now: not while one is applied, nor while stopping.
    var acceptsReload: Bool { self == .starting || self == .running }
}
