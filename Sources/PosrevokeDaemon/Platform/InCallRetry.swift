/// The platform adapters' short retry inside one call: a 429, 5xx or transport error is tried again at once, up to
/// `attempts` times with a short backoff (or the platform's `Retry-After`, up to `longestWait`), with the same
/// request body (only the signature's time and nonce are new). After that, or at once for a longer `Retry-After`,
/// the job's retry policy takes over (`StepOutcome.retry(after:)`).
struct InCallRetry: Sendable {
    var attempts = 3
    var backoff: Duration = .milliseconds(500)
    var longestWait: Duration = .seconds(10)

    func run<T: Sendable>(_ send: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await send()
            } catch let error as PlatformCallError
                where error.retryable && attempt < attempts && (error.retryAfter ?? .zero) <= longestWait
            {
                try await Task.sleep(for: error.retryAfter ?? backoff * (1 << (attempt - 1)))
                attempt += 1
            }
        }
    }
}
