import Dispatch
import Foundation
import PosrevokeCore
import Synchronization
import Testing

@testable import PosrevokeDaemon

/// The poll scheduler on a queue of the test's own: real timers, a launcher that only records.
@Suite("Poll scheduler, in process")
struct PollSchedulerTests {
    /// Launches in order, and the most that were running at once.
    final class Launches: Sendable {
        private let state = Mutex<(all: [String], running: Set<String>, peak: Int)>(([], [], 0))
        func started(_ terminal: String) {
            state.withLock {
                $0.all.append(terminal)
                $0.running.insert(terminal)
                $0.peak = max($0.peak, $0.running.count)
            }
        }
        func finished(_ terminal: String) { state.withLock { _ = $0.running.remove(terminal) } }
        var all: [String] { state.withLock { $0.all } }
        var peak: Int { state.withLock { $0.peak } }
    }

    func waitUntil(_ limit: Duration = .seconds(5), _ condition: () -> Bool) async throws {
        let end = ContinuousClock.now.advanced(by: limit)
        while !condition() {
            guard ContinuousClock.now < end else { return }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("never more polls at once than the cap, a terminal whose poll still runs is skipped, completion frees it")
    func capAndBusy() async throws {
        let executor = QueueExecutor(queue: DispatchQueue(label: "test.loop"))
        let scheduler = PollScheduler(executor: executor, clock: SystemClock(), maxConcurrent: 2)
        let launches = Launches()
        let intervals = Dictionary(uniqueKeysWithValues: ["a", "b", "c"].map { ($0, Duration.milliseconds(50)) })
        scheduler.sync { $0.reconcile(intervals: intervals, maxConcurrent: 2) }
        // Every poll but terminal a's completes at once; a's never does.
        scheduler.async { isolated in
            isolated.start { batch in
                for launch in batch {
                    launches.started(launch.terminal)
                    guard launch.terminal != "a" else { continue }
                    launches.finished(launch.terminal)
                    scheduler.onQueue { $0.completed(launch.terminal) }
                }
            }
        }
        try await waitUntil { launches.all.filter { $0 != "a" }.count >= 10 }
        let stats = scheduler.sync { scheduler in
            scheduler.stop()
            return scheduler.snapshot()
        }
        #expect(launches.all.filter { $0 == "a" }.count == 1, "a's poll never completed, so it never started again")
        #expect(launches.all.filter { $0 != "a" }.count >= 10)
        #expect(launches.peak <= 2)
        #expect(stats.counters.skippedBusy > 0 && stats.running == 1)
    }

    @Test("stop starts nothing more, even for polls that complete afterwards")
    func stop() async throws {
        let executor = QueueExecutor(queue: DispatchQueue(label: "test.loop"))
        let scheduler = PollScheduler(executor: executor, clock: SystemClock(), maxConcurrent: 4)
        let launches = Launches()
        scheduler.sync { $0.reconcile(intervals: ["a": .milliseconds(20)], maxConcurrent: 4) }
        scheduler.async { $0.start { batch in batch.forEach { launches.started($0.terminal) } } }
        try await waitUntil { launches.all.count == 1 }
        scheduler.sync { scheduler in
            scheduler.stop()
            scheduler.completed("a")
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(launches.all == ["a"])
    }
}
