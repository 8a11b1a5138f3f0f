import Dispatch
import Synchronization

/// Runs `work` on the cooperative pool and waits for its result on the calling thread: for control requests,
/// which are answered on the control server's own thread and may wait for network calls. Never call it from the
/// cooperative pool or one of the daemon's queues.
func waitForResult<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await work()
        result.withLock { $0 = value }
        done.signal()
    }
    // The value is stored before the one signal, so the first pass finds it.
    while true {
        done.wait()
        if let value = result.withLock({ $0 }) { return value }
    }
}
