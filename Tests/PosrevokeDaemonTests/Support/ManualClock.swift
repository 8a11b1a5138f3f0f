import Foundation
import Synchronization

@testable import PosrevokeDaemon

/// A wall clock a test moves by hand.
final class ManualClock: WallClock, Sendable {
    private let time: Mutex<Date>

    init(_ start: Date) { time = Mutex(start) }

    func now() -> Date { time.withLock { $0 } }

    func advance(by seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
