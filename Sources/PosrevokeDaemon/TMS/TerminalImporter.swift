import Foundation
import PosrevokeControl
import PosrevokeCore

/// `posrevokectl terminals import --from paxstore`: the TMS's terminal search, page by page within the key's rate
/// limit (the same budget the jobs use), for an inventory nobody writes by hand.
struct TerminalImporter: Sendable {
    let client: PaxstoreClient
    /// 100 rows a page (the API's most); 2,000 pages are 200,000 terminals, beyond any fleet this daemon serves.
    static let pageSize = 100
    static let maxPages = 2000

    func run(merchant: String?, reseller: String?) async throws -> TerminalImport {
        var rows: [PaxstoreWire.Terminal] = []
        var total = 0
        var page = 1
        while page <= Self.maxPages {
            var query = [("pageNo", String(page)), ("limit", String(Self.pageSize)), ("status", "A")]
            if let merchant { query.append(("merchantName", merchant)) }
            if let reseller { query.append(("resellerName", reseller)) }
            let answer = try await callWaiting(query)
            let found = try client.page(PaxstoreWire.Terminal.self, answer)
            let batch = found.dataSet ?? []
            guard batch.count <= Self.pageSize else {
                throw DriverError.protocolViolation("PAXSTORE sent \(batch.count) rows for a page of \(Self.pageSize)")
            }
            rows += batch.map {
                var row = $0
                row.installedApks = nil
                return row
            }
            total = max(found.totalCount ?? 0, rows.count)
            guard found.hasNext == true, !batch.isEmpty else { break }
            page += 1
        }
        let interval = max(60, Int((Double(rows.count) / client.account.pollBudgetPerSecond).rounded(.up)))
        return TerminalImport(terminals: rows, totalCount: total, pollIntervalSeconds: (interval + 59) / 60 * 60)
    }

    /// An import is worth waiting for: a page that meets a spent budget waits for the next window, and a page the
    /// TMS failed to answer (5xx, no answer) is asked again, up to five times, 1, 2, 4 and 8 s apart.
    private func callWaiting(_ query: [(String, String)]) async throws -> (PaxstoreAnswer, Data) {
        var failures = 0
        while true {
            do {
                return try await client.call(.GET, "/terminals", query: query)
            } catch DriverError.throttled(_, let after) where after <= .seconds(600) {
                try await Task.sleep(for: after)
            } catch let error as DriverError where error.isTransient && failures < 4 {
                try await Task.sleep(for: .seconds(1 << failures))
                failures += 1
            }
        }
    }
}

extension Daemon {
    /// Answered on a control worker thread, which waits for the whole listing.
    func importTerminals(from source: String, merchant: String?, reseller: String?) throws -> TerminalImport {
        guard source == "paxstore" else { throw ControlError("unknown TMS '\(source.prefix(32))' (known: paxstore)") }
        // The config belongs to the loop: a reload may replace it while this worker waits.
        let (paxstore, timeout) = loop.checkedSync { (config.tms.paxstore, config.polling.timeout) }
        guard let account = paxstore else {
            throw ControlError("importing from PAXSTORE needs the tms.paxstore section in the config")
        }
        let importer = TerminalImporter(
            client: PaxstoreClient(account: account, client: httpClient, timeout: timeout)
        )
        let result = waitForResult { () -> Result<TerminalImport, ControlError> in
            do {
                return .success(try await importer.run(merchant: merchant, reseller: reseller))
            } catch {
                return .failure(ControlError("PAXSTORE terminal search: \(error)"))
            }
        }
        return try result.get()
    }
}
