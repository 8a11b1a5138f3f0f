import Foundation
import PosrevokeCore

/// The open-API endpoints under `/v1/3rdsys`, answering PAXSTORE's envelopes: `{"businessCode":0,"message":
/// "success","data":…}` or `{"businessCode":0,"pageInfo":{…}}`.
extension PaxstoreWorld {
    static let root = "/v1/3rdsys"

    mutating func route(
        method: String,
        path: String,
        query: [String: String],
        body: Data,
        now: Date,
        fleet: SimulatedFleet
    ) throws(PaxstoreRefusal) -> Data {
        guard path.hasPrefix(Self.root + "/") else { throw Self.notFound(method, path) }
        let rest = path.dropFirst(Self.root.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            .map(String.init)
        switch (method, rest.first, rest.count) {
        case ("GET", "terminals", 1):
            return try terminals(query)
        case ("GET", "terminal", 1):
            let device = try device(query)
            let installed = query["includeInstalledApks"] == "true"
            return PaxstoreDataBody.json(terminal(device.serial, device.value, installed: installed))
        case ("GET", "terminals", 2) where rest.last == "network":
            let device = try device(query)
            let online = offline.contains(device.value.id) ? 1 : 2
            return PaxstoreDataBody.json(PaxstoreWire.Network(serialNo: device.serial, onlineStatus: online))
        case ("POST", "terminalApks", 1):
            let request = try Self.decode(PaxstoreWire.PushRequest.self, body)
            return PaxstoreDataBody.json(try push(request, now: now, fleet: fleet))
        case ("POST", "terminalApks", 2) where rest.last == "uninstall":
            try uninstall(try Self.decode(PaxstoreWire.UninstallRequest.self, body), fleet: fleet)
            return PaxstoreDataBody<PaxstoreWire.TerminalApk>.json(nil)
        case ("GET", "terminalApks", 2):
            guard let id = rest.last.flatMap({ Int64($0) }), let task = tasks.first(where: { $0.id == id }) else {
                throw PaxstoreRefusal(status: 400, code: 2000, message: "Push task not found")
            }
            return PaxstoreDataBody.json(wire(task, now: now))
        case ("GET", "terminalApks", 1):
            return try taskList(query, now: now)
        default:
            throw Self.notFound(method, path)
        }
    }

    /// `GET /terminals`: sorted by serial, filtered by status, merchant and reseller names.
    private func terminals(_ query: [String: String]) throws(PaxstoreRefusal) -> Data {
        let (page, limit) = try Self.paging(query, sizeName: "limit")
        let rows = devices.sorted { $0.key < $1.key }.filter { _, device in
            (query["status"].map { $0 == "A" } ?? true)
                && (query["merchantName"].map { $0 == device.store } ?? true)
                && (query["resellerName"].map { $0 == SimulatedPaxstore.resellerName } ?? true)
        }
        return Self.page(rows.map { terminal($0.key, $0.value, installed: false) }, page: page, limit: limit)
    }

    /// `GET /terminalApks`: one terminal's tasks (of one app, if named), newest first, with the values of the
    /// parameters `pidList` names (comma-separated).
    private func taskList(_ query: [String: String], now: Date) throws(PaxstoreRefusal) -> Data {
        let (page, limit) = try Self.paging(query, sizeName: "pageSize")
        let serial = try device(query).serial
        let package = query["appPackageName"]
        let rows = tasks.reversed().filter { task in
            task.request.serialNo == serial && (package.map { $0 == task.request.packageName } ?? true)
        }
        let pids = (query["pidList"] ?? "").split(separator: ",").map(String.init)
        return Self.page(rows.map { wire($0, now: now, pids: pids) }, page: page, limit: limit)
    }

    /// The terminal the `serialNo` parameter names.
    private func device(_ query: [String: String]) throws(PaxstoreRefusal) -> (serial: String, value: Device) {
        guard let serial = query["serialNo"], !serial.isEmpty else { throw .badRequest("serialNo is required") }
        guard let device = devices[serial] else { throw .terminalNotFound }
        return (serial, device)
    }

    private func terminal(_ serial: String, _ device: Device, installed: Bool) -> PaxstoreWire.Terminal {
        PaxstoreWire.Terminal(
            id: device.number,
            name: device.id,
            tid: device.id,
            serialNo: serial,
            status: "A",
            merchantName: device.store,
            resellerName: SimulatedPaxstore.resellerName,
            modelName: "A920",
            installedApks: installed
                ? device.installed.sorted { $0.key < $1.key }.map { .init(packageName: $0.key, versionName: $0.value) }
                : nil
        )
    }

    /// `pageNo` (default 1) and the page size (default 10, at most 100).
    private static func paging(_ query: [String: String], sizeName: String) throws(PaxstoreRefusal) -> (Int, Int) {
        guard let page = number(query["pageNo"], default: 1, in: 1...1_000_000) else {
            throw .badRequest("pageNo must be a whole number from 1")
        }
        guard let limit = number(query[sizeName], default: 10, in: 1...100) else {
            throw .badRequest("\(sizeName) must be a whole number from 1 to 100")
        }
        return (page, limit)
    }

    private static func number(_ text: String?, default value: Int, in range: ClosedRange<Int>) -> Int? {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else { return nil }
        return number
    }

    private static func page<T: Encodable>(_ rows: [T], page: Int, limit: Int) -> Data {
        let start = min((page - 1) * limit, rows.count)
        let end = min(start + limit, rows.count)
        let info = PaxstorePageInfo(
            pageNo: page,
            limit: limit,
            totalCount: rows.count,
            hasNext: end < rows.count,
            dataSet: Array(rows[start..<end])
        )
        return PaxstoreJSON.data(PaxstorePageBody(pageInfo: info))
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws(PaxstoreRefusal) -> T {
        do {
            return try PaxstoreWire.decoder.decode(type, from: body)
        } catch {
            throw .badRequest("cannot read the body: \(error)")
        }
    }

    private static func notFound(_ method: String, _ path: String) -> PaxstoreRefusal {
        PaxstoreRefusal(status: 404, code: 404, message: "no such resource: \(method) \(path)")
    }
}

enum PaxstoreJSON {
    /// Any answer's JSON; the simulator's own types always encode.
    static func data(_ value: some Encodable) -> Data { (try? PaxstoreWire.encoder.encode(value)) ?? Data() }
}

struct PaxstoreFailureBody: Encodable {
    var businessCode: Int
    var message: String
}

/// A success with `data`, which is written as `null` when there is none.
struct PaxstoreDataBody<T: Encodable>: Encodable {
    var data: T?

    enum CodingKeys: String, CodingKey { case businessCode, message, data }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(0, forKey: .businessCode)
        try container.encode("success", forKey: .message)
        if let data { try container.encode(data, forKey: .data) } else { try container.encodeNil(forKey: .data) }
    }

    static func json(_ data: T?) -> Data { PaxstoreJSON.data(PaxstoreDataBody(data: data)) }
}

struct PaxstorePageBody<T: Encodable>: Encodable {
    var businessCode = 0
    var pageInfo: PaxstorePageInfo<T>
}

struct PaxstorePageInfo<T: Encodable>: Encodable {
    var pageNo: Int
    var limit: Int
    var totalCount: Int
    var hasNext: Bool
    var dataSet: [T]
}
