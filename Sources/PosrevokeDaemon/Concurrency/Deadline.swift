/// Runs `work` against a deadline: its result, or `onTimeout`'s when `limit` passes first (the work is then
/// cancelled). Poll requests and job steps share it.
func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ work: @escaping @Sendable () async throws -> T,
    onTimeout: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return Task.isCancelled ? nil : try onTimeout()
        }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let result { return result }
        }
        throw CancellationError()
    }
}
