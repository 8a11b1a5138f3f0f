import Foundation
import PosrevokeControl
import PosrevokeCore

/// `posrevokectl platform check`: one harmless signed call per provider, its answer verified, so an operator can
/// test keys, ids and the clock before a plan runs. Answered on a socket worker thread, which waits for the calls.
extension Daemon {
    func checkPlatforms() -> [PlatformCheckResult] {
        let platforms = runner.sync { $0.platforms }
        return waitForResult {
            var results: [PlatformCheckResult] = []
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
                results.append(result)
            }
            return results
        }
    }
}
