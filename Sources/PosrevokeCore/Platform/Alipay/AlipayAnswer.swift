public import Foundation

/// One answer of the Alipay gateway, judged the way the daemon acts on it: `code` 10000 is believed only once the
/// signature over the raw response object verified; any other answer can make a step wait or fail, never succeed.
public enum AlipayAnswer: Sendable, Equatable {
    case success(AlipayWire.Answer)
    /// Claims success, or cannot be read, without a valid signature: never taken as success.
    case unverified(String)
    case failure(AlipayFailure)

    public static func read(status: Int, body: Data, method: String, key: RSAVerifyingKey) -> AlipayAnswer {
        guard (200..<300).contains(status) else {
            return .failure(
                AlipayFailure(
                    code: "HTTP_\(status)",
                    subCode: nil,
                    message: "the gateway answered \(status)",
                    verified: false
                )
            )
        }
        let response: AlipayResponse
        do {
            response = try AlipayResponse(body: body, method: method)
        } catch {
            return .unverified("unreadable answer: \(error)")
        }
        let verified = response.isSigned(by: key)
        guard let answer = try? JSONDecoder().decode(AlipayWire.Answer.self, from: response.content) else {
            return .unverified("the answer's '\(response.name)' has no code")
        }
        if answer.code == AlipayWire.success, response.name != "error_response" {
            return verified
                ? .success(answer) : .unverified("the answer's signature does not verify with the Alipay public key")
        }
        return .failure(
            AlipayFailure(
                code: WeChatPayFailure.bounded(answer.code, 16),
                subCode: answer.sub_code.map { WeChatPayFailure.bounded($0, 64) },
                message: WeChatPayFailure.bounded(answer.sub_msg ?? answer.msg ?? "", 200),
                verified: verified
            )
        )
    }
}

/// An Alipay answer that is not a success.
public struct AlipayFailure: Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var subCode: String?
    public var message: String
    public var verified: Bool

    public init(code: String, subCode: String?, message: String, verified: Bool) {
        self.code = code
        self.subCode = subCode
        self.message = message
        self.verified = verified
    }

    /// 20000 (service unavailable), `…SYSTEM_ERROR` sub-codes and HTTP 5xx or 429: the same request again later.
    public var isRetryable: Bool {
        code == AlipayWire.unavailable || (subCode?.hasSuffix("SYSTEM_ERROR") ?? false)
            || code.hasPrefix("HTTP_5") || code == "HTTP_429"
    }

    /// 40002 `isv.invalid-signature`, `isv.invalid-app-id` and the like, or 40006 (no permission for the call):
    /// our keys, ids or contract are wrong, and no retry helps.
    public var isSettings: Bool {
        if code == "40006" { return true }
        guard code == "40002", let subCode else { return false }
        return subCode.contains("signature") || subCode.contains("app-id") || subCode.contains("sign-type")
    }

    public var description: String {
        "\(code)\(subCode.map { " \($0)" } ?? ""): \(message)"
            + (verified ? "" : " (the answer's signature did not verify)")
    }
}
