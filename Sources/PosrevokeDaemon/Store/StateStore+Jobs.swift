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

    /// Plans, jobs and recorded cutovers. A plan or job row that cannot be decoded is moved to `quarantine` and
    /// reported in `quarantined`; the plan's other jobs, and the other plans, go on.
    package func loadPlans() throws -> (
        plans: [StoredPlan], jobs: [Job], cutovers: [String: [CreditProvider: ProviderCancellation]],
        quarantined: [QuarantinedRow]
    ) {
        do {
            return try write { db in
                let decoder = JSONDecoder()
                var quarantined: [QuarantinedRow] = []
                var plans: [StoredPlan] = []
                try Self.eachRow(
                    "plan",
                    key: "id",
                    data: "state",
                    "SELECT rowid AS row_id, * FROM plan",
                    quarantined: &quarantined,
                    db
                ) { row in
                    plans.append(
                        StoredPlan(
                            config: try decoder.decode(PlanConfig.self, from: try Self.column(row, "config")),
                            source: try Self.column(row, "source"),
                            state: try decoder.decode(PlanState.self, from: try Self.column(row, "state"))
                        )
                    )
                }
                var jobs: [Job] = []
                try Self.eachRow(
                    "job",
                    key: "id",
                    data: "record",
                    "SELECT rowid AS row_id, * FROM job",
                    quarantined: &quarantined,
                    db
                ) { row in
                    jobs.append(try decoder.decode(Job.self, from: try Self.column(row, "record")))
                }
                return (plans, jobs, try Self.cutovers(db), quarantined)
            }
        } catch {
            throw Self.explain(error, path: path)
        }
    }

    /// These jobs as the database holds them (after a failed commit, memory may be ahead of it).
    package func loadJobs(ids: [String]) throws -> [String: Job] {
        try read { db in
            var result: [String: Job] = [:]
            for id in ids {
                guard let data = try Data.fetchOne(db, sql: "SELECT record FROM job WHERE id = ?", arguments: [id])
                else { continue }
                let job = try JSONDecoder().decode(Job.self, from: data)
                result[job.id] = job
            }
            return result
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
