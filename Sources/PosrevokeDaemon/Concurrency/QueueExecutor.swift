import Dispatch

/// A serial executor that runs an actor's jobs on a `DispatchQueue`, so the daemon's queue-confined parts are
/// actors the compiler checks while Dispatch stays their engine: timers and `sync` callers use the same queue,
/// and `assumeIsolated` (through `checkIsolated`) proves the caller is on it.
///
/// `@unchecked Sendable` because corelibs `DispatchQueue` is not marked `Sendable` on Linux; the executor's only
/// state is that queue, which is itself thread-safe.
final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    let queue: DispatchQueue

    init(queue: DispatchQueue) { self.queue = queue }

    func enqueue(_ job: UnownedJob) {
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    func checkIsolated() { dispatchPrecondition(condition: .onQueue(queue)) }
}

/// An actor whose executor is a serial `DispatchQueue`, reachable synchronously from Dispatch code.
protocol QueueActor: Actor {
    nonisolated var executor: QueueExecutor { get }
}

extension QueueActor {
    nonisolated var queue: DispatchQueue { executor.queue }

    /// Runs `body` on the actor's queue and waits for it; never call it from that queue (it stops the process).
    nonisolated func sync<T: Sendable>(_ body: (isolated Self) throws -> T) rethrows -> T {
        try queue.checkedSync { try assumeIsolated(body) }
    }

    /// Runs `body` on the actor's queue later.
    nonisolated func async(_ body: @escaping @Sendable (isolated Self) -> Void) {
        queue.async { self.assumeIsolated(body) }
    }

    /// For code already on the actor's queue (a timer's handler): checks that it is, then runs `body` isolated.
    nonisolated func onQueue<T: Sendable>(_ body: (isolated Self) throws -> T) rethrows -> T {
        try assumeIsolated(body)
    }
}
