import Foundation
import GRDB
import PosrevokeCore

/// A refusal in PAXSTORE's words: the HTTP status and the envelope's `businessCode` and message.
struct PaxstoreRefusal: Error {
    var status: Int
    var code: Int
    var message: String

    static func badRequest(_ message: String) -> PaxstoreRefusal { .init(status: 400, code: 997, message: message) }
    static let terminalNotFound = PaxstoreRefusal(status: 400, code: 2028, message: "Terminal not found")
}

/// What the simulated PAXSTORE knows: its terminals and their apps, the push tasks, and the key's counters. Kept
/// in memory: the TMS outlives a daemon crash because the simulator process does.
struct PaxstoreWorld {
    struct Device {
        var id: String
        var number: Int64
        var store: String
        /// Installed apps: package → version.
        var installed: [String: String]
    }

    struct Task {
        var id: Int64
        var terminalID: String
        var request: PaxstoreWire.PushRequest
        var createdAt: Date
        /// Set once its effect has been applied: the task shows 2 from then on.
        var applied = false
    }

    let settings: TMSSimulationConfig
    let offline: Set<String>
    /// By serial number.
    var devices: [String: Device] = [:]
    /// In creation (id) order.
    var tasks: [Task] = []
    var nextID: Int64 = 1000
    var stats = SimulatedPaxstore.Stats()
    var gate = PaxstoreGate()

    init(terminals: [Terminal], settings: TMSSimulationConfig) {
        self.settings = settings
        offline = Set(settings.offline)
        let bySerial = terminals.map { (SimulatedPaxstore.serialNo(of: $0), $0) }.sorted { $0.0 < $1.0 }
        for (index, (serial, terminal)) in bySerial.enumerated() where devices[serial] == nil {
            var installed = [SimulatedPaxstore.paymentPackage: SimulatedPaxstore.initialVersion]
            for provider in terminal.providers.keys {
                installed[SimulatedPaxstore.pluginPackage(for: provider)] = SimulatedPaxstore.initialVersion
            }
            devices[serial] = Device(
                id: terminal.id,
                number: Int64(index + 1),
                store: terminal.store,
                installed: installed
            )
        }
    }

    /// A task's `actionStatus` and `errorCode` at `now`: 0 then 1 while the terminal fetches it, 2 once applied,
    /// 4 while an offline terminal never checks in, 3 with errorCode 9 when it expired waiting.
    func status(of task: Task, now: Date) -> (actionStatus: Int, errorCode: Int?) {
        if task.applied { return (2, nil) }
        let age = now.timeIntervalSince(task.createdAt)
        if offline.contains(task.terminalID) { return age < settings.taskExpiry.seconds ? (4, nil) : (3, 9) }
        // A task due but not applied (its terminal did not answer the fleet) stays at 1 until `settle` succeeds.
        return age < settings.taskDelay.seconds / 2 ? (0, nil) : (1, nil)
    }

    /// `pids`: the parameters a search named in `pidList`, whose values the task carries back.
    func wire(_ task: Task, now: Date, pids: [String] = []) -> PaxstoreWire.TerminalApk {
        let (status, error) = status(of: task, now: now)
        let values = (task.request.parameters ?? [:]).filter { pids.contains($0.key) }
        return PaxstoreWire.TerminalApk(
            id: task.id,
            terminalSN: task.request.serialNo,
            apkPackageName: task.request.packageName,
            apkVersionName: task.request.version,
            paramTemplateName: task.request.templateName,
            actionStatus: status,
            errorCode: error,
            configuredParameters: pids.isEmpty || values.isEmpty ? nil : values
        )
    }

    /// Applies every task its terminal has picked up by `now`, once.
    mutating func settle(now: Date, fleet: SimulatedFleet) {
        for index in tasks.indices where !tasks[index].applied {
            let task = tasks[index]
            guard !offline.contains(task.terminalID),
                now.timeIntervalSince(task.createdAt) >= settings.taskDelay.seconds
            else { continue }
            tasks[index].applied = apply(task, fleet: fleet, now: now)
        }
    }

    /// A parameter push `{"<provider>.enabled": "false"|"true"}` switches the provider on the fleet's terminal; an
    /// app push with a version installs it. False when the terminal did not take it: it is tried again later.
    private mutating func apply(_ task: Task, fleet: SimulatedFleet, now: Date) -> Bool {
        let suffix = ".enabled"
        for (key, value) in (task.request.parameters ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard key.hasSuffix(suffix), value == "true" || value == "false",
                let provider = CreditProvider(rawValue: String(key.dropLast(suffix.count)))
            else { continue }
            do {
                try fleet.setCreditPay(provider, enabled: value == "true", on: task.terminalID, now: now)
            } catch {
                return false
            }
        }
        if let version = task.request.version {
            devices[task.request.serialNo]?.installed[task.request.packageName] = version
        }
        return true
    }

    /// `POST /terminalApks`: a new task, or 2022/2023 when the same push is already pending or done.
    mutating func push(
        _ request: PaxstoreWire.PushRequest,
        now: Date,
        fleet: SimulatedFleet
    ) throws(PaxstoreRefusal) -> PaxstoreWire.TerminalApk {
        guard let device = devices[request.serialNo] else { throw .terminalNotFound }
        let operation = request.parameters == nil ? "tms-app" : "tms-params"
        let canonical = String(decoding: (try? PaxstoreWire.encoder.encode(request)) ?? Data(), as: UTF8.self)
        try record(fleet) { db in
            try SimulationStore.countCall(
                db,
                terminal: device.id,
                provider: "-",
                operation: operation,
                parameters: canonical
            )
        }
        guard request.packageName == SimulatedPaxstore.paymentPackage else {
            throw PaxstoreRefusal(status: 400, code: 2000, message: "Terminal app status is invalid")
        }
        if let same = standing(request, now: now) {
            stats.duplicatePushes += 1
            throw status(of: same, now: now).actionStatus == 2
                ? PaxstoreRefusal(
                    status: 400,
                    code: 2023,
                    message: "Same version of active terminal app already exists"
                )
                : PaxstoreRefusal(
                    status: 400,
                    code: 2022,
                    message: "Same version of pending terminal app already exists"
                )
        }
        try record(fleet) { db in
            try SimulationStore.countEffect(db, terminal: device.id, provider: "-", operation: operation)
        }
        let task = Task(id: nextID, terminalID: device.id, request: request, createdAt: now)
        nextID += 1
        tasks.append(task)
        stats.tasksCreated += 1
        var answer = wire(task, now: now)
        answer.actionStatus = 0
        answer.errorCode = nil
        return answer
    }

    /// The task identical to `request` that still stands: the newest task of the same terminal, package and slot
    /// (the same parameter names, or the app's version) that did not fail, if it is identical. A later different
    /// push to the slot supersedes it, so switching a provider off, on and off again makes three tasks.
    private func standing(_ request: PaxstoreWire.PushRequest, now: Date) -> Task? {
        let slot = Self.slot(request)
        let latest = tasks.last { task in
            task.request.serialNo == request.serialNo && task.request.packageName == request.packageName
                && Self.slot(task.request) == slot && status(of: task, now: now).actionStatus != 3
        }
        return latest.flatMap { $0.request == request ? $0 : nil }
    }

    private static func slot(_ request: PaxstoreWire.PushRequest) -> String {
        guard let parameters = request.parameters else { return "app" }
        return "params:\(request.templateName ?? ""):\(parameters.keys.sorted().joined(separator: ","))"
    }

    /// `POST /terminalApks/uninstall`: removes an installed app; 2037 when it is not there.
    mutating func uninstall(_ request: PaxstoreWire.UninstallRequest, fleet: SimulatedFleet) throws(PaxstoreRefusal) {
        guard let device = devices[request.serialNo] else { throw .terminalNotFound }
        let canonical = String(decoding: (try? PaxstoreWire.encoder.encode(request)) ?? Data(), as: UTF8.self)
        let installed = device.installed[request.packageName] != nil
        try record(fleet) { db in
            try SimulationStore.countCall(
                db,
                terminal: device.id,
                provider: "-",
                operation: "tms-uninstall",
                parameters: canonical
            )
            if installed {
                try SimulationStore.countEffect(db, terminal: device.id, provider: "-", operation: "tms-uninstall")
            }
        }
        guard installed else { throw PaxstoreRefusal(status: 400, code: 2037, message: "App not installed") }
        devices[request.serialNo]?.installed[request.packageName] = nil
    }

    /// Writes counters; a storage failure is the TMS's own 500.
    private func record(_ fleet: SimulatedFleet, _ work: (Database) throws -> Void) throws(PaxstoreRefusal) {
        do {
            try fleet.store.db.write(work)
        } catch {
            throw PaxstoreRefusal(status: 500, code: 500, message: "simulated TMS storage error: \(error)")
        }
    }
}
