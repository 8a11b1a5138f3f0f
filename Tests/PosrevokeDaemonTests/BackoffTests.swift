import PosrevokeDaemon
import Testing

@Suite("Backoff of failing terminals")
struct BackoffTests {
    @Test("after the threshold a failing terminal is tried every 2nd, 4th, then 8th tick; one answer resets it")
    func schedule() {
        let inventory = Inventory()
        func tick() -> Bool {
            if inventory.shouldPassOver("t", threshold: 3) { return false }
            inventory.recordPoll("t", succeeded: false)
            return true
        }
        let tried = (0..<40).map { _ in tick() }
        // Three failures at full rate, then gaps of 1, 3 and finally 7 passed-over ticks.
        let gaps = zip(tried.indices, tried).filter(\.1).map(\.0)
        #expect(Array(gaps.prefix(6)) == [0, 1, 2, 4, 8, 16])
        #expect(gaps.dropFirst(5).adjacentDifferences.allSatisfy { $0 == 8 })
        inventory.recordPoll("t", succeeded: true)
        #expect(!inventory.shouldPassOver("t", threshold: 3))
        #expect(inventory.backedOffCount > 0)
    }
}

extension Sequence where Element == Int {
    fileprivate var adjacentDifferences: [Int] {
        let values = Array(self)
        return zip(values.dropFirst(), values).map { $0 - $1 }
    }
}
