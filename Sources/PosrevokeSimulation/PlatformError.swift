/// An answer from a payment platform that is not success, shaped like WeChat Pay APIv3's error body.
public struct PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// 429 and 5xx mean "try again with the same parameters"; so does a debit in progress.
    public var isRetryable: Bool { status == 429 || status >= 500 || code == Self.debitInProgress }

    public var description: String { "\(status) \(code): \(message)" }

    public static let debitInProgress = "ORDER_DEBITING"

    static func frequencyLimited() -> Self {
        Self(status: 429, code: "FREQUENCY_LIMITED", message: "frequency limited, slow down")
    }
    static func systemError() -> Self {
        Self(status: 500, code: "SYSTEM_ERROR", message: "system error, retry with the same parameters")
    }
}

/// A deactivation application's review state.
public enum ReviewState: String, Sendable, Codable {
    case submitted
    case underReview = "under_review"
    case approved
    case rejected
}

/// The platform's view of one terminal × provider binding (`authorization_state`).
public enum BindingState: String, Sendable, Codable {
    case available = "AVAILABLE"
    case unavailable = "UNAVAILABLE"
}
