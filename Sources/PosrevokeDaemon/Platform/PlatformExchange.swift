import AsyncHTTPClient
import PosrevokeCore

extension BoundedExchange {
    /// One exchange with a payment platform; a transport failure is a retryable `PlatformCallError` in fixed words.
    func platformCall(_ request: HTTPClientRequest, provider: CreditProvider) async throws -> Answer {
        do {
            let answer = try await perform(request)
            let outcome = answer.status < 300 ? "ok" : answer.status < 500 ? "refused" : "failed"
            CallCounts.platform.note(provider.rawValue, outcome)
            return answer
        } catch {
            CallCounts.platform.note(provider.rawValue, "unreachable")
            let why: String
            switch error {
            case .tooLarge:
                throw PlatformCallError(
                    description: "\(provider.rawValue) platform: answer over \(maxBody >> 20) MiB",
                    retryable: true
                )
            case .timedOut: why = "deadline exceeded"
            case .unreachable(let text): why = text
            }
            throw PlatformCallError(description: "\(provider.rawValue) platform unreachable: \(why)", retryable: true)
        }
    }
}

extension SecretFile {
    /// A platform's credential, or a permanent platform error that names the setting (never the value).
    static func platformCredential(_ reference: String, kind: CredentialKind, setting: String) throws -> String {
        do {
            return try SecretFile(reference, kind: kind).reveal()
        } catch {
            throw PlatformCallError(description: "\(setting): \(error)", retryable: false)
        }
    }
}
