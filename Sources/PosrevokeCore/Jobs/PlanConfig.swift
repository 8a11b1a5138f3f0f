public import Foundation

/// A cancellation (or restore) plan: which terminals and providers, when, in which waves, behind which gates.
public struct PlanConfig: Sendable, Equatable, Codable {
    public var id: String
    public var kind = JobKind.cancel
    public var select = Selection()
    public var providers: [CreditProvider] = CreditProvider.allCases
    public var window = WindowConfig()
    public var waves = WaveConfig()
    public var gate = GateConfig()
    public var retry = RetryConfig()
    public var vendorConfirmation = false
    /// A review still pending after this long raises `review-overdue`.
    public var reviewOverdue: Duration = .seconds(3 * 86400)
    /// How long the detectors watch a terminal after its cutover before the job completes.
    public var watch: Duration = .seconds(7 * 86400)
    /// Reminders while waiting for hardware removal or an operator.
    public var reminderInterval: Duration = .seconds(86400)
    /// Payment methods customers are told they can still use.
    public var acceptedMethods = ["card", "WeChat Pay QR", "Alipay QR", "cash"]

    public init(id: String) { self.id = id }

    /// The longest plan id, in UTF-8 bytes: it names a directory under `backups/`, and file names stop at 255.
    public static let maxIDBytes = 100

    /// Why `name` cannot be a file name of its own under `backups/` (a plan id, a terminal id), or nil when it
    /// can: not empty, at most `maxIDBytes` bytes, no leading dot (so never `.` or `..`), no `/`, NUL or other
    /// control character, and only letters, digits, '-', '_' and '.'.
    public static func fileNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > maxIDBytes { return "must be at most \(maxIDBytes) bytes long" }
        if name.hasPrefix(".") { return "must not start with '.' (it names a directory)" }
        let forbidden = { (c: Unicode.Scalar) in c == "/" || c == "\0" || c.properties.generalCategory == .control }
        if name.unicodeScalars.contains(where: forbidden) {
            return "must not contain '/', NUL or control characters"
        }
        if name.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) {
            return "may only contain letters, digits, '-', '_' and '.'"
        }
        return nil
    }

    /// Which terminals a plan covers: the union of ids, stores and tags (all of them when empty).
    public struct Selection: Sendable, Equatable, Codable {
        public var terminals: [String] = []
        public var stores: [String] = []
        public var tags: [String] = []
        public init() {}

        public var isEmpty: Bool { terminals.isEmpty && stores.isEmpty && tags.isEmpty }

        public func matches(_ terminal: Terminal) -> Bool {
            isEmpty || terminals.contains(terminal.id) || stores.contains(terminal.store)
                || terminal.tags.contains(where: tags.contains)
        }
    }

    /// `daily 02:00–05:00` in a time zone, not before a date.
    public struct WindowConfig: Sendable, Equatable, Codable {
        public var start = "00:00"
        public var end = "24:00"
        public var timeZone = "UTC"
        public var notBefore: Date?
        public init() {}

        public var window: MaintenanceWindow {
            MaintenanceWindow(
                startMinute: Self.minutes(start) ?? 0,
                endMinute: Self.minutes(end) ?? 1440,
                timeZone: TimeZone(identifier: timeZone) ?? .gmt,
                notBefore: notBefore
            )
        }

        /// `HH:MM` → minutes after midnight (24:00 allowed as an end).
        public static func minutes(_ text: String) -> Int? {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), parts[1].count == 2,
                (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
            else { return nil }
            return hours * 60 + minutes
        }
    }

    /// A canary wave, then waves of `size` terminals or `percent` of the plan, `soak` apart.
    public struct WaveConfig: Sendable, Equatable, Codable {
        public var canary = 1
        public var size: Int?
        public var percent: Double?
        /// 24 h, as long as `negative_feedback.window`: a store that leaves `min_sample` (20) entries a day is seen
        /// by the gate. An hour could not trip the feedback gate at any real store (docs/jobs.md has the arithmetic).
        public var soak: Duration = .seconds(86400)
        public init() {}
    }

    /// What the previous wave must look like before the next starts.
    public struct GateConfig: Sendable, Equatable, Codable {
        /// Alert kinds that must not be firing on the previous wave's terminals (for per-store kinds such as
        /// `negative-feedback`: on the stores of those terminals).
        public var blockingAlerts: [AlertKind] = [.lingeringCreditPay, .paymentFailureRate, .negativeFeedback]
        /// Failed jobs tolerated in the previous wave.
        public var maxFailedJobs = 0
        public init() {}
    }

    /// Retries of one step.
    public struct RetryConfig: Sendable, Equatable, Codable {
        public var maxAttempts = 6
        public var initialBackoff: Duration = .seconds(10)
        public var maxBackoff: Duration = .seconds(900)
        public var stepTimeout: Duration = .seconds(120)
        public init() {}
    }
}

/// Rate limits toward the outside world, shared by every plan.
public struct JobsSection: Sendable, Equatable {
    public var platformPerSecond = 5.0
    public var platformBurst = 10
    public var terminalPerSecond = 20.0
    public var terminalBurst = 40
    public init() {}
}
