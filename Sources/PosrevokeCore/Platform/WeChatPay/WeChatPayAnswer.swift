public import Foundation

/// One answer of the WeChat Pay API, judged the way the daemon acts on it: a 2xx is believed only once its
/// signature verified; an error is mapped by status and code (an unverified error can make a step wait or fail,
/// never succeed).
public enum WeChatPayAnswer: Sendable, Equatable {
    /// A verified 2xx answer's body (empty for 204).
    case success(Data)
    /// A 2xx whose signature did not verify: never taken as success; the step tries again and says why.
    case unverified(WeChatPayVerificationError)
    case failure(WeChatPayFailure)

    public static func read(
        status: Int,
        header: (String) -> String?,
        body: Data,
        verifier: WeChatPayVerifier,
        now: Date
    ) -> WeChatPayAnswer {
        var verification: WeChatPayVerificationError?
        do {
            try verifier.verify(try WeChatPaySignatureHeaders(header), body: body, now: now)
        } catch {
            verification = error
        }
        guard (200..<300).contains(status) else {
            let decoded = try? WeChatPayWire.decoder.decode(WeChatPayWire.Failure.self, from: body)
            return .failure(
                WeChatPayFailure(
                    status: status,
                    code: decoded.map { WeChatPayFailure.bounded($0.code, 64) } ?? "HTTP_\(status)",
                    message: decoded.map { WeChatPayFailure.bounded($0.message, 200) } ?? "no error body",
                    verified: verification == nil
                )
            )
        }
        if let verification { return .unverified(verification) }
        return .success(body)
    }
}

/// A non-2xx answer of the WeChat Pay API.
public struct WeChatPayFailure: Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    /// Whether the error answer's own signature verified.
    public var verified: Bool

    public init(status: Int, code: String, message: String, verified: Bool) {
        self.status = status
        self.code = code
        self.message = message
        self.verified = verified
    }

    public enum Disposition: Sendable, Equatable {
        /// 429, 5xx, a debit in progress: the identical request again, later.
        case retry
        /// 401 `SIGN_ERROR`, 403 `NO_AUTH`: no retry helps; the named settings need a look.
        case settings
        /// A code the caller named: the call's purpose may already be met (`ORDER_CANCELED` on a cancel); the
        /// caller confirms it with a query.
        case alreadyDone
        case permanent
    }

    /// How a step treats this failure of a call that wanted `goal` (codes that mean "already done" for it).
    public func disposition(alreadyDone goal: Set<String> = []) -> Disposition {
        if goal.contains(code) { return .alreadyDone }
        if status == 429 || status >= 500 || code == "FREQUENCY_LIMITED" || code == "SYSTEM_ERROR" { return .retry }
        if status == 401 || status == 403 || code == "SIGN_ERROR" || code == "NO_AUTH" { return .settings }
        // "单据正在扣款中": the user is being debited; cancel again after a few minutes.
        if message.contains("扣款中") { return .retry }
        return .permanent
    }

    public var description: String {
        "\(status) \(code): \(message)" + (verified ? "" : " (the error answer's signature did not verify)")
    }

    static func bounded(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
