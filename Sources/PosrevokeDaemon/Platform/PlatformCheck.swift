import Dispatch
import Foundation
import PosrevokeControl
import PosrevokeCore
import Synchronization

/// `posrevokectl platform check`: one harmless signed call per provider, its answer verified, so an operator can
/// test keys, ids and the clock before a plan runs. Answered on a socket worker thread, which waits for the calls.
extension Daemon {
    func checkPlatforms() -> [PlatformCheckResult] {
        let platforms = runner.sync { $0.platforms }
        let results = Mutex<[PlatformCheckResult]>([])
        let done = DispatchSemaphore(value: 0)
        Task {
            for provider in CreditProvider.allCases {
                guard let platform = platforms[provider] else { continue }
                let result: PlatformCheckResult
                do {
                    result = PlatformCheckResult(
                        provider: provider.rawValue,
                        ok: true,
                        detail: try await platform.check()
                    )
                } catch {
                    result = PlatformCheckResult(provider: provider.rawValue, ok: false, detail: "\(error)")
                }
                results.withLock { $0.append(result) }
            }
            done.signal()
        }
        done.wait()
        return results.withLock { $0 }
    }
}
