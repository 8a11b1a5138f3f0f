import Foundation
import Logging
import PosrevokeControl
import PosrevokeCore

/// `posrevokectl feedback add|import|report|digest`, answered on socket worker threads.
extension Daemon {
    func handleFeedback(_ command: ControlCommand, _ request: ControlRequest) throws -> ControlResponse {
        let args = request.args
        switch command {
        case .feedbackAdd:
            return try .success(addFeedback(args))
        case .feedbackImport:
            guard let body = request.body, let data = body.data(using: .utf8),
                let batch = try? ControlCoding.decoder.decode(FeedbackImportRequest.self, from: data)
            else { throw ControlError("feedback import needs the parsed rows as its body") }
            return try .success(importFeedback(batch))
        case .feedbackReport:
            return try .success(feedbackReport(args))
        case .feedbackDigest:
            let schedule = DigestSchedule(config: loop.checkedSync { config.feedback.digest })
            let yesterday = schedule.yesterday(of: clock.now())
            let plans = args["plan"].map { [$0] }
            return try .success(
                digests.queue.checkedSync {
                    try digests.write(day: args["day"] ?? yesterday, plans: plans, force: true)
                }
            )
        default:
            throw ControlError("unknown command '\(command.rawValue)'")
        }
    }

    private func addFeedback(_ args: [String: String]) throws -> FeedbackRecord {
        let settings = loop.checkedSync { (config.feedback, config.terminals) }
        guard let rating = args["rating"].flatMap(Int.init), (1...5).contains(rating) else {
            throw ControlError("--rating must be a whole number from 1 to 5")
        }
        let category = args["category"].map { $0.lowercased() } ?? "other"
        guard settings.0.categories.contains(category) else {
            throw ControlError(
                "unknown category '\(category)' (known: \(settings.0.categories.joined(separator: ", ")))"
            )
        }
        guard let source = FeedbackSource(rawValue: (args["source"] ?? "customer").lowercased()) else {
            throw ControlError("--source must be customer or cashier")
        }
        guard (args["comment"] ?? "").count <= 4000 else {
            throw ControlError("--comment is longer than 4000 characters")
        }
        if let provider = args["provider"], CreditProvider(rawValue: provider) == nil {
            throw ControlError("unknown provider '\(provider)'")
        }
        var time = clock.now()
        if let text = args["time"] {
            guard
                let parsed = FeedbackTime.parse(
                    text,
                    timeZone: settings.0.digest.zone
                )
            else { throw ControlError("--time '\(text)' is not a date such as 2026-11-20 14:30") }
            guard parsed <= time.addingTimeInterval(FeedbackLimits.futureSkew) else {
                throw ControlError("--time '\(text)' is more than a day after the daemon's clock")
            }
            time = parsed
        }
        let (terminal, store) = try Self.resolve(terminal: args["terminal"], store: args["store"], settings.1)
        let record = FeedbackRecord(
            uid: "operator:\(UUID().uuidString.lowercased())",
            origin: .operator_,
            terminal: terminal,
            store: store,
            provider: args["provider"],
            source: source,
            rating: rating,
            category: category,
            comment: args["comment"] ?? "",
            time: time
        )
        _ = try engine.sync { engine in try engine.record([record]) }
        var metadata: Logger.Metadata = [
            JournalField.messageID: "\(MessageID.feedbackRecorded)", "FEEDBACK_ORIGIN": "operator",
            JournalField.storeID: "\(store)",
            "FEEDBACK_CATEGORY": "\(category)", "FEEDBACK_RATING": "\(rating)", "FEEDBACK_COUNT": "1",
        ]
        if let terminal { metadata[JournalField.terminalID] = "\(terminal)" }
        logger.info(
            "feedback added by an operator for store \(store): \(category), rated \(rating)",
            metadata: metadata
        )
        return record
    }

    /// Checks every row again (rating, category, sizes, time: the client's checks are not trusted), then against
    /// the inventory, and stores all of them in one transaction, or none when a row is bad and the import is
    /// all-or-nothing.
    func importFeedback(_ request: FeedbackImportRequest) throws -> FeedbackImportResult {
        if let refusal = request.refusal() { throw ControlError(refusal) }
        var batch = request
        if batch.file.utf8.count > FeedbackLimits.maxNameBytes {
            batch.file = String(batch.file.prefix(FeedbackLimits.maxNameBytes / 4)) + "…"
        }
        let (settings, directory) = loop.checkedSync { (config.feedback, Directory(config.terminals)) }
        let now = clock.now()
        var errors = batch.boundedErrors
        var records: [FeedbackRecord] = []
        for row in batch.rows {
            do {
                if let problem = row.problem(categories: settings.categories, now: now) {
                    throw ControlError(problem)
                }
                let (terminal, store) = try Self.resolve(terminal: row.terminal, store: row.store, directory)
                records.append(
                    FeedbackRecord(
                        uid: row.uid,
                        origin: .survey,
                        terminal: terminal,
                        store: store,
                        provider: row.provider,
                        source: row.source,
                        rating: row.rating,
                        category: row.category,
                        comment: row.comment,
                        time: row.time
                    )
                )
            } catch {
                errors.append(FeedbackRowError(line: row.line, reason: "\(error)"))
            }
        }
        errors.sort { $0.line < $1.line }
        guard errors.isEmpty || batch.skipBad else {
            return FeedbackImportResult(file: batch.file, applied: false, imported: 0, duplicates: 0, errors: errors)
        }
        let fresh = try engine.sync { engine in try engine.record(records) }
        var categories: [String: Int] = [:]
        for record in fresh { categories[record.category, default: 0] += 1 }
        let counts = "\(records.count - fresh.count) already stored, \(errors.count) rows skipped"
        logger.info(
            "imported \(fresh.count) feedback entries from \(batch.file) (\(counts))",
            metadata: [
                JournalField.messageID: "\(MessageID.feedbackRecorded)", "FEEDBACK_ORIGIN": "survey",
                "FEEDBACK_COUNT": "\(fresh.count)", "FEEDBACK_DUPLICATES": "\(records.count - fresh.count)",
                "FEEDBACK_SKIPPED": "\(errors.count)",
                "CATEGORY_COUNTS":
                    "\(categories.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
            ]
        )
        return FeedbackImportResult(
            file: batch.file,
            applied: true,
            imported: fresh.count,
            duplicates: records.count - fresh.count,
            errors: errors
        )
    }

    private func feedbackReport(_ args: [String: String]) throws -> FeedbackReport {
        let (settings, cutovers) = engine.sync { engine in (engine.config.feedback, engine.feedbackCutovers()) }
        let now = clock.now()
        var since: Date?
        if let text = args["since"] {
            if let ago = DurationText.parse(text) {
                since = now.addingTimeInterval(-ago.seconds)
            } else if let date = FeedbackTime.parse(
                text,
                timeZone: settings.digest.zone
            ) {
                since = date
            } else {
                throw ControlError("--since '\(text)' is neither a date (2026-11-01) nor a duration (7d)")
            }
        }
        var stores = args["store"].map { Set([$0]) }
        var planTerminals: Set<String>?
        if let plan = args["plan"] {
            guard let scope = runner.sync({ $0.feedbackScopes(finished: true) })[plan] else {
                throw ControlError("no plan '\(plan)'")
            }
            planTerminals = scope.terminals
            stores = stores.map { $0.intersection(scope.stores) } ?? scope.stores
        }
        var records = try store.feedback(from: since, stores: stores)
        if let planTerminals { records = records.filter { $0.terminal.map(planTerminals.contains) ?? true } }
        return FeedbackReport.build(
            records,
            cutover: { cutovers.cutover(of: $0) },
            storeCutover: { cutovers.stores[$0] },
            config: settings,
            filters: (since, args["plan"], args["store"]),
            now: now
        )
    }

    /// A terminal (whose store is implied) or a store, both known to the inventory.
    private static func resolve(terminal: String?, store: String?, _ terminals: [Terminal]) throws -> (String?, String)
    {
        try resolve(terminal: terminal, store: store, Directory(terminals))
    }

    /// Terminal → store and the set of stores, built once per import so each row costs two lookups.
    private struct Directory {
        var stores: [String: String] = [:]
        var known: Set<String> = []
        init(_ terminals: [Terminal]) {
            for terminal in terminals {
                stores[terminal.id] = terminal.store
                known.insert(terminal.store)
            }
        }
    }

    private static func resolve(terminal: String?, store: String?, _ directory: Directory) throws -> (String?, String) {
        // Names quoted back are cut: the answer must not grow with what a client sends.
        func shown(_ text: String) -> String { text.count <= 64 ? text : String(text.prefix(64)) + "…" }
        if let id = terminal, !id.isEmpty {
            guard let knownStore = directory.stores[id] else {
                throw ControlError("unknown terminal '\(shown(id))'")
            }
            if let store, !store.isEmpty, store != knownStore {
                throw ControlError("terminal \(id) belongs to store \(knownStore), not \(shown(store))")
            }
            return (id, knownStore)
        }
        guard let store, !store.isEmpty else { throw ControlError("name a terminal or a store") }
        guard directory.known.contains(store) else {
            throw ControlError("unknown store '\(shown(store))'")
        }
        return (nil, store)
    }
}
