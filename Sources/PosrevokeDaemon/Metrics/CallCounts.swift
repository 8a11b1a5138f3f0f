import Synchronization

/// Calls to an outside party since start, by who was called and the outcome (`ok`, `refused`, `failed`,
/// `unreachable`, for a TMS `throttled` and `auth_failed`, for a gateway `invalid`), for `/metrics`. Counted where
/// every call passes. Names carry no space (the config's rules), so "who outcome" splits back.
final class CallCounts: Sendable {
    static let platform = CallCounts()
    static let tms = CallCounts()
    static let gateways = CallCounts()

    private let counts = Mutex<[String: Int]>([:])

    func note(_ who: String, _ outcome: String) {
        counts.withLock { $0[who + " " + outcome, default: 0] += 1 }
    }

    /// "who outcome" → calls.
    var snapshot: [String: Int] { counts.withLock { $0 } }
}
