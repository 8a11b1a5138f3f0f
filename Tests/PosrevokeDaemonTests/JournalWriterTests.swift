import Foundation
import PosrevokeDaemon
import Synchronization
import Testing

/// The journal writer's durable lane against a scripted `sd_journal_sendv`: nothing is settled before a write
/// succeeded, failures are retried in order, and nothing is written twice.
@Suite("Journal writer")
struct JournalWriterTests {
    /// A sender that refuses while `refusing` is set and records every call.
    final class Journald: Sendable {
        let refusing = Mutex(true)
        let calls = Mutex<[String]>([])
        let accepted = Mutex<[String]>([])

        func send(_ entry: JournalQueue.Entry) -> Int32 {
            let message = entry.first { $0.name == "MESSAGE" }?.value ?? ""
            calls.withLock { $0.append(message) }
            if refusing.withLock({ $0 }) { return -ECONNREFUSED }
            accepted.withLock { $0.append(message) }
            return 0
        }
    }

    func entry(_ n: Int64) -> JournalQueue.DurableEntry {
        .init(fields: [("MESSAGE", "alert \(n)"), ("PRIORITY", "4")], settles: [n])
    }

    @Test("an alert entry is settled only after journald took it, and refused ones are retried in order")
    func retriedInOrder() {
        let journald = Journald()
        let queue = JournalQueue(capacity: 16, sender: { journald.send($0) }, socketExists: { true })
        let settled = Mutex<[Int64]>([])
        queue.setOnWritten { ids in
            settled.withLock { $0 += ids }
            return true
        }
        queue.enqueueDurable((1...5).map(entry))
        #expect(eventually(timeout: 5) { journald.calls.withLock { $0.count } >= 3 }, "no retries while refused")
        #expect(settled.withLock { $0 }.isEmpty, "settled while journald refused every write")
        #expect(journald.calls.withLock { Set($0) } == ["alert 1"], "wrote past a refused entry")
        #expect(queue.durableStatus.failingSince != nil)
        #expect(queue.durableStatus.lastError == -ECONNREFUSED)
        #expect(queue.durableStatus.held == 5)
        #expect(queue.journalWrittenCount == 0, "refused writes counted as written")

        journald.refusing.withLock { $0 = false }
        #expect(eventually(timeout: 10) { settled.withLock { $0.count } == 5 })
        #expect(settled.withLock { $0 } == [1, 2, 3, 4, 5])
        #expect(journald.accepted.withLock { $0 } == (1...5).map { "alert \($0)" }, "each exactly once, in order")
        #expect(queue.durableStatus.failingSince == nil)
        #expect(queue.durableStatus.held == 0)
        #expect(queue.durableStatus.written == 5)
        #expect(queue.journalWrittenCount == 5, "/metrics counts what journald took, once each")
    }

    @Test("a missing journal socket is a failure, although libsystemd reports success")
    func missingSocket() {
        let journald = Journald()
        journald.refusing.withLock { $0 = false }
        let socket = Mutex(false)
        let queue = JournalQueue(capacity: 16, sender: { journald.send($0) }, socketExists: { socket.withLock { $0 } })
        let settled = Mutex<[Int64]>([])
        queue.setOnWritten { ids in
            settled.withLock { $0 += ids }
            return true
        }
        queue.enqueueDurable([entry(7)])
        #expect(eventually(timeout: 5) { queue.durableStatus.lastError == -ENOENT })
        #expect(settled.withLock { $0 }.isEmpty)
        socket.withLock { $0 = true }
        #expect(eventually(timeout: 10) { settled.withLock { $0 } == [7] })
    }

    @Test("rows the store could not delete are offered again, and entries are not written again")
    func settleRetried() {
        let journald = Journald()
        journald.refusing.withLock { $0 = false }
        let queue = JournalQueue(capacity: 16, sender: { journald.send($0) }, socketExists: { true })
        let attempts = Mutex(0)
        let settled = Mutex<[Int64]>([])
        queue.setOnWritten { ids in
            let attempt = attempts.withLock {
                $0 += 1
                return $0
            }
            guard attempt > 1 else { return false }  // the disk is full once
            settled.withLock { $0 += ids }
            return true
        }
        queue.enqueueDurable([entry(1), .init(fields: nil, settles: [2]), entry(3)])
        #expect(eventually(timeout: 10) { settled.withLock { $0 } == [1, 2, 3] })
        #expect(journald.calls.withLock { $0 } == ["alert 1", "alert 3"])
        #expect(queue.flush(timeout: 5))
    }
}
