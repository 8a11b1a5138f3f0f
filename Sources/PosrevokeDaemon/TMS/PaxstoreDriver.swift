import Foundation
import PosrevokeCore

/// A terminal's commands through PAXSTORE: `close-service` and `reenable` push the payment app's parameters,
/// `push-update` pushes its version, `await-update` follows the push task, `remove-hardware` uninstalls the
/// provider's plugin, `retest` reads the terminal's apps and online status. As `driver: tms` it also answers polls:
/// a terminal is reachable when PAXSTORE says it is online.
///
/// Every push is idempotent: PAXSTORE refuses the same push while one is pending or active (2022/2023), and the
/// driver then follows the task already there, so a retry after a lost answer makes no second push.
struct PaxstoreDriver: TerminalDriver {
    let client: PaxstoreClient
    var account: PaxstoreAccount { client.account }

    var enforcesTimeouts: Bool { true }

    private func serial(_ terminal: Terminal) throws -> String {
        guard let serial = terminal.serialNo else {
            throw DriverError.permanent("\(terminal.id) has no serial_no: PAXSTORE knows terminals by it")
        }
        return serial
    }

    func status(of terminal: Terminal) async throws -> TerminalStatus {
        let serial = try serial(terminal)
        let answer = try await client.call(.GET, "/terminals/network", query: [("serialNo", serial)])
        let network = try client.data(PaxstoreWire.Network.self, answer)
        switch network?.onlineStatus {
        case 2:
            var status = TerminalStatus(
                terminalID: terminal.id,
                model: "PAXSTORE",
                firmware: "",
                time: Date(),
                peripherals: [],
                paymentMethods: []
            )
            status.detailsKnown = false
            return status
        case 1: throw DriverError.unreachable("PAXSTORE says \(serial) is offline")
        default: throw DriverError.unreachable("PAXSTORE does not know whether \(serial) is online")
        }
    }

    /// No agent: nothing to read but whether the terminal is there.
    func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
        _ = try await status(of: terminal)
        return TransactionPage(transactions: [], nextAfter: cursor)
    }

    func openOrders(_ provider: CreditProvider, on terminal: Terminal) async throws -> [String]? { nil }

    func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {
        guard let parameter = account.parameters[provider] else {
            throw DriverError.unsupported(
                "switching \(provider.rawValue) through PAXSTORE (no tms.paxstore.parameters.\(provider.rawValue))"
            )
        }
        let serial = try serial(terminal)
        let value = enabled ? parameter.on : parameter.off
        let what = "the \(parameter.pid)=\(value) parameter push"
        // What PAXSTORE already has for this parameter, newest first: a retry follows the push it made before.
        let tasks = try await tasks(serial, pid: parameter.pid).filter { $0.paramTemplateName == parameter.template }
        if let newest = tasks.first, newest.configuredParameters?[parameter.pid] == value {
            switch PaxstorePushState(actionStatus: newest.actionStatus, errorCode: newest.errorCode) {
            case .done?: return
            case .pending(let why)?: throw DriverError.pending("\(what) (task \(newest.id)): \(why)")
            case .applying?: throw DriverError.pending("\(what) (task \(newest.id)): the terminal is applying it")
            case .failed(let why)?:
                let failures = tasks.prefix { $0.configuredParameters?[parameter.pid] == value && $0.actionStatus == 3 }
                    .count
                guard failures < Self.maxPushes else {
                    throw DriverError.permanent("\(what) failed \(failures) times, the last: \(why)")
                }
            case nil:
                throw DriverError.protocolViolation(
                    "push task \(newest.id) has actionStatus \(newest.actionStatus ?? -1)"
                )
            }
        }
        let request = PaxstoreWire.PushRequest(
            serialNo: serial,
            packageName: account.packageName,
            templateName: parameter.template,
            parameters: [parameter.pid: value]
        )
        let answer = try await client.call(.POST, "/terminalApks", body: request)
        if case .alreadyPushed(let code) = answer.0 {
            throw DriverError.pending("\(what): PAXSTORE has it already (\(code))")
        }
        guard let task = try client.data(PaxstoreWire.TerminalApk.self, answer) else {
            throw DriverError.protocolViolation("PAXSTORE accepted the push without a task")
        }
        throw DriverError.pending("\(what) (task \(task.id)) made; waiting for the terminal to apply it")
    }

    /// A parameter push that expired or failed is made again, at most this many times in all.
    static let maxPushes = 3

    func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws {
        let request = PaxstoreWire.PushRequest(
            serialNo: try serial(terminal),
            packageName: account.packageName,
            version: account.appVersion
        )
        let answer = try await client.call(.POST, "/terminalApks", body: request)
        // 2022/2023: this version is pending or active already, which is what the step asked for.
        if case .alreadyPushed = answer.0 { return }
        try client.requireOK(answer.0)
    }

    func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)? {
        guard let task = try await latest(serial(terminal), matching: isUpdate) else { return nil }
        guard let state = PaxstorePushState(actionStatus: task.actionStatus, errorCode: task.errorCode) else {
            throw DriverError.protocolViolation("push task \(task.id) has actionStatus \(task.actionStatus ?? -1)")
        }
        if case .failed(let why) = state { return ("failed", "PAXSTORE push task \(task.id): \(why)") }
        return (state.word, nil)
    }

    func removeProviderSoftware(_ provider: CreditProvider, on terminal: Terminal) async throws {
        guard let plugin = account.pluginPackages[provider] else {
            throw DriverError.unsupported(
                "uninstalling \(provider.rawValue) software (no tms.paxstore.plugin_packages)"
            )
        }
        let request = PaxstoreWire.UninstallRequest(serialNo: try serial(terminal), packageName: plugin)
        let answer = try await client.call(.POST, "/terminalApks/uninstall", body: request)
        // 2037: not installed, which is what the step wants.
        if answer.0 != .notInstalled { try client.requireOK(answer.0) }
    }

    func selftest(on terminal: Terminal) async throws -> SelftestResult {
        let serial = try serial(terminal)
        let answer = try await client.call(
            .GET,
            "/terminal",
            query: [("serialNo", serial), ("includeInstalledApks", "true")]
        )
        let found = try client.data(PaxstoreWire.Terminal.self, answer)
        guard let found else { throw DriverError.protocolViolation("PAXSTORE answered no terminal for \(serial)") }
        var checks: [SelftestResult.Check] = []
        let online = try? await status(of: terminal)
        checks.append(.init(name: "online", ok: online != nil, detail: online != nil ? "PAXSTORE: online" : "offline"))
        let apps = found.installedApks ?? []
        let app = apps.first { $0.packageName == account.packageName }
        let version = app?.versionName ?? "not installed"
        checks.append(
            .init(
                name: account.packageName,
                ok: app != nil && (account.appVersion == nil || app?.versionName == account.appVersion),
                detail: account.appVersion.map { "\(version) (wanted \($0))" } ?? version
            )
        )
        for (provider, plugin) in account.pluginPackages.sorted(by: { $0.key < $1.key })
        where terminal.providers[provider]?.state == .cancelled {
            let present = apps.contains { $0.packageName == plugin }
            checks.append(.init(name: plugin, ok: !present, detail: present ? "still installed" : "not installed"))
        }
        return SelftestResult(ok: checks.allSatisfy(\.ok), checks: checks)
    }

    // MARK: pushes

    /// A version push, not a parameter one.
    private func isUpdate(_ task: PaxstoreWire.TerminalApk) -> Bool {
        task.paramTemplateName == nil && (account.appVersion == nil || task.apkVersionName == account.appVersion)
    }

    /// The newest push task of the payment app on `serial` that `matching` accepts.
    private func latest(
        _ serial: String,
        matching: (PaxstoreWire.TerminalApk) -> Bool
    ) async throws -> PaxstoreWire.TerminalApk? {
        try await tasks(serial, pid: nil).first(where: matching)
    }

    /// The payment app's push tasks on `serial`, newest first, with `pid`'s value in each when asked.
    private func tasks(_ serial: String, pid: String?) async throws -> [PaxstoreWire.TerminalApk] {
        var query = [
            ("pageNo", "1"), ("pageSize", "20"), ("orderBy", "a.created_date DESC"), ("serialNo", serial),
            ("appPackageName", account.packageName),
        ]
        if let pid { query.append(("pidList", pid)) }
        let answer = try await client.call(.GET, "/terminalApks", query: query)
        return try client.page(PaxstoreWire.TerminalApk.self, answer).dataSet ?? []
    }
}
