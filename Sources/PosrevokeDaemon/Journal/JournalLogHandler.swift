import Foundation
public import Logging
import PosrevokeCore

/// A swift-log handler that writes native journal entries and/or readable stderr lines.
///
/// Metadata becomes journal fields under sanitised names, so `MESSAGE_ID`, `POSREVOKE_ALERT` and friends are
/// queryable with `journalctl FIELD=value`. Sends go through a bounded queue and never block the caller.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String
    let toJournal: Bool
    let toConsole: Bool
    let queue: JournalQueue

    init(label: String, toJournal: Bool, toConsole: Bool, queue: JournalQueue = .shared) {
        self.label = label
        self.toJournal = toJournal
        self.toConsole = toConsole
        self.queue = queue
    }

    /// Installs this handler for every logger in the process.
    public static func bootstrap(target: LogTarget, level: Logger.Level) {
        let (journal, console) = target.destinations()
        JournalQueue.shared.configure(journal: journal, console: console)
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler(label: label, toJournal: journal, toConsole: console)
            handler.logLevel = level
            return handler
        }
    }

    /// Waits (briefly) until queued journal entries were handed to journald; for exits.
    public static func flush(timeout: Double = 2) {
        JournalQueue.shared.flush(timeout: timeout)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        if toJournal { queue.enqueue(Self.fields(event: event, metadata: merged)) }
        if toConsole { Self.writeConsole(event: event, metadata: merged) }
    }

    static let identifier = "posrevoked"

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// The journal fields of one event. A `PRIORITY` in metadata overrides the level's.
    package static func fields(event: LogEvent, metadata: Logger.Metadata) -> [(name: String, value: String)] {
        var fields = JournalFieldName.entry(
            [
                ("MESSAGE", event.message.description), ("SYSLOG_IDENTIFIER", identifier), ("CODE_FILE", event.file),
                ("CODE_LINE", String(event.line)), ("CODE_FUNC", event.function),
            ],
            adding: metadata.map { ($0.key, "\($0.value)") }
        )
        // Metadata may set the priority (alerts do); otherwise the level gives it.
        if !fields.contains(where: { $0.name == "PRIORITY" }) {
            fields.append(("PRIORITY", String(priority(event.level))))
        }
        return fields
    }

    /// Fields worth showing on a console line, most telling first.
    static let consoleKeys = [
        JournalField.alert, JournalField.alertState, JournalField.terminalID, JournalField.storeID,
        JournalField.provider, "TRANSACTION_ID", "ALERT_COUNT",
    ]

    /// A console line for an entry written from its fields (alert entries, which bypass swift-log).
    static func writeConsole(fields: [(name: String, value: String)]) {
        let lookup = Dictionary(fields.map { ($0.name, $0.value) }) { first, _ in first }
        let level: Logger.Level =
            switch Int(lookup["PRIORITY"] ?? "") ?? 6 {
            case ...2: .critical
            case 3: .error
            case 4: .warning
            case 5: .notice
            case 6: .info
            default: .debug
            }
        let metadata = lookup.filter { consoleKeys.contains($0.key) }.mapValues { Logger.MetadataValue.string($0) }
        writeConsole(level: level, message: lookup["MESSAGE"] ?? "", metadata: metadata)
    }

    static func writeConsole(event: LogEvent, metadata: Logger.Metadata) {
        writeConsole(level: event.level, message: "\(event.message)", metadata: metadata)
    }

    static func writeConsole(level: Logger.Level, message: String, metadata: Logger.Metadata) {
        let stamp = Date().formatted(.iso8601.time(includingFractionalSeconds: true))
        var line =
            "\(stamp) \(level.rawValue.uppercased().padding(toLength: 9, withPad: " ", startingAt: 0))"
            + message
        let shown = consoleKeys.compactMap { key in metadata[key].map { "\(key)=\($0)" } }
        if !shown.isEmpty { line += "  [" + shown.joined(separator: " ") + "]" }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
