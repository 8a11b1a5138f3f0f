import Foundation
package import GRDB
package import PosrevokeCore

/// Plans, jobs and the cutovers jobs recorded. Each job transition is one row update inside a transaction.
extension StateStore {
    /// A plan as stored: its config, where it came from, and its progress.
    package struct StoredPlan: Sendable {
        package var config: PlanConfig
        package var source: String
        package var state: PlanState
    }

    package func loadPlans() throws -> (
        plans: [StoredPlan], jobs: [Job], cutovers: [String: [CreditProvider: ProviderCancellation]]
    ) {
        try read { db in
            let decoder = JSONDecoder()
            let plans = try Row.fetchAll(db, sql: "SELECT * FROM plan").map { row in
                StoredPlan(
                    config: try decoder.decode(PlanConfig.self, from: row["config"] as Data),
                    source: row["source"],
                    state: try decoder.decode(PlanState.self, from: row["state"] as Data)
                )
            }
            let jobs = try Row.fetchAll(db, sql: "SELECT record FROM job").map {
                try decoder.decode(Job.self, from: $0["record"] as Data)
            }
            return (plans, jobs, try Self.cutovers(db))
        }
    }

    package static func savePlan(_ plan: StoredPlan, _ db: Database) throws {
        let encoder = JSONEncoder()
        try db.execute(
            sql: "INSERT OR REPLACE INTO plan (id, source, config, state, updated_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                plan.config.id, plan.source, try encoder.encode(plan.config), try encoder.encode(plan.state),
                plan.state.updatedAt.timeIntervalSince1970,
            ]
        )
    }

    package static func saveJob(_ job: Job, _ db: Database) throws {
        try db.execute(
            sql:
                "INSERT OR REPLACE INTO job (id, plan, terminal, provider, status, record, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                job.id, job.plan, job.terminal, job.provider.rawValue, job.status.rawValue,
                try JSONEncoder().encode(job), job.updatedAt.timeIntervalSince1970,
            ]
        )
    }

    /// Records (or, with nil, removes) the cancellation state a job put a terminal × provider in.
    package static func saveCutover(
        terminal: String,
        provider: CreditProvider,
        _ state: ProviderCancellation?,
        job: String,
        _ db: Database
    ) throws {
        guard let state else {
            try db.execute(
                sql: "DELETE FROM cutover WHERE terminal = ? AND provider = ?",
                arguments: [terminal, provider.rawValue]
            )
            return
        }
        try db.execute(
            sql: "INSERT OR REPLACE INTO cutover (terminal, provider, state, cutover, job) VALUES (?, ?, ?, ?, ?)",
            arguments: [terminal, provider.rawValue, state.state.rawValue, state.cutover?.timeIntervalSince1970, job]
        )
    }

    package static func cutovers(_ db: Database) throws -> [String: [CreditProvider: ProviderCancellation]] {
        var result: [String: [CreditProvider: ProviderCancellation]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM cutover") {
            guard let provider = CreditProvider(rawValue: row["provider"]),
                let state = CancellationState(rawValue: row["state"])
            else { continue }
            let cutover = (row["cutover"] as Double?).map(Date.init(timeIntervalSince1970:))
            result[row["terminal"], default: [:]][provider] = ProviderCancellation(state: state, cutover: cutover)
        }
        return result
    }
}
