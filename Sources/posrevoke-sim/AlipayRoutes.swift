import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Synchronization

/// The Alipay OpenAPI gateway at `/platform/alipay/gateway.do`: form parameters signed with RSA2 by the app's key
/// (checked as Alipay checks them: sorted, `sign_type` included), answers `{"<method>_response": {…}, "sign": …}`
/// signed over the response object's exact text. `alipay.user.agreement.query` and `…unsign` act on the
/// `SimulatedPlatform`'s agreements; its faults become `20000`, and a share of answers is signed by a forger.
final class AlipayRoutes: Sendable {
    let platform: SimulatedPlatform
    let app: RSAVerifyingKey
    let key: RSASigningKey
    private let forger: RSASigningKey
    private let draws = Mutex<UInt64>(0)
    let settings: PlatformSimulationConfig
    static let prefix = "/platform/alipay"

    init(keys: RealPlatformKeys, platform: SimulatedPlatform, settings: PlatformSimulationConfig) throws {
        self.platform = platform
        app = keys.alipayApp.publicKey
        key = keys.alipayPlatform
        forger = try RSASigningKey.generate()
        self.settings = settings
    }

    func handle(method: String, uri: String, body: Data, now: Date) -> SimReply {
        guard method == "POST", SimRouter.split(uri).0 == Self.prefix + "/gateway.do" else {
            return SimReply(status: 404, body: Data(), fault: nil)
        }
        guard let parameters = AlipaySigner.parseForm(body), let name = parameters["method"] else {
            return answer(
                "error_response",
                ["code": "40001", "msg": "Missing Required Arguments", "sub_code": "isv.missing-method"]
            )
        }
        let response = AlipayResponse.responseName(name)
        if let refusal = refusal(parameters, now: now) {
            return answer("error_response", ["code": "40002", "msg": "Invalid Arguments"].merging(refusal) { $1 })
        }
        guard let biz = parameters["biz_content"].flatMap({ $0.data(using: .utf8) }),
            let agreement = try? JSONDecoder().decode(AlipayWire.Agreement.self, from: biz),
            let (kind, value) = Self.identify(agreement)
        else {
            return answer(response, ["code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-parameter"])
        }
        do {
            switch name {
            case AlipayWire.query:
                guard let active = try platform.authorizationActive(provider: .alipayCredit, kind: kind, value: value)
                else { return answer(response, Self.notExist) }
                return answer(response, ["code": "10000", "msg": "Success", "status": active ? "NORMAL" : "STOP"])
            case AlipayWire.unsign:
                guard try platform.terminateAuthorization(provider: .alipayCredit, kind: kind, value: value) else {
                    return answer(response, Self.notExist)
                }
                if draw("lost") < settings.transientErrorShare / 2 {
                    return SimReply(status: 502, body: Data(), fault: nil)
                }
                return answer(response, ["code": "10000", "msg": "Success"])
            default:
                return answer(
                    "error_response",
                    ["code": "40004", "msg": "Business Failed", "sub_code": "isv.unknown-method"]
                )
            }
        } catch {
            return answer(
                response,
                ["code": "20000", "msg": "Service Currently Unavailable", "sub_code": "isp.unknow-error"]
            )
        }
    }

    static let notExist = [
        "code": "40004", "msg": "Business Failed", "sub_code": "USER_AGREEMENT_NOT_EXIST", "sub_msg": "用户协议不存在",
    ]

    /// Why the request is refused (as `sub_code` and `sub_msg`), or nil.
    private func refusal(_ parameters: [String: String], now: Date) -> [String: String]? {
        guard parameters["app_id"] == RealPlatformKeys.alipayAppID else {
            return ["sub_code": "isv.invalid-app-id", "sub_msg": "无效的AppID参数"]
        }
        guard parameters["sign_type"] == "RSA2", parameters["charset"] == "utf-8", parameters["version"] == "1.0" else {
            return ["sub_code": "isv.invalid-parameter", "sub_msg": "sign_type RSA2, charset utf-8, version 1.0"]
        }
        guard let sign = parameters["sign"], let signature = Data(base64Encoded: sign),
            app.isValidSignature(signature, for: Data(AlipaySigner.signingString(parameters).utf8))
        else { return ["sub_code": "isv.invalid-signature", "sub_msg": "验签出错"] }
        guard let stamp = parameters["timestamp"], abs(Self.parse(stamp) - now.timeIntervalSince1970) <= 900 else {
            return ["sub_code": "isv.invalid-timestamp", "sub_msg": "非法的时间戳参数"]
        }
        return nil
    }

    /// `yyyy-MM-dd HH:mm:ss` in GMT+8 as seconds; a huge number when unreadable.
    private static func parse(_ text: String) -> Double {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
        guard parts.count == 6 else { return .greatestFiniteMagnitude }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        let components = DateComponents(
            year: parts[0],
            month: parts[1],
            day: parts[2],
            hour: parts[3],
            minute: parts[4],
            second: parts[5]
        )
        return calendar.date(from: components)?.timeIntervalSince1970 ?? .greatestFiniteMagnitude
    }

    private static func identify(_ agreement: AlipayWire.Agreement) -> (String, String)? {
        if let number = agreement.agreement_no { return ("agreement_no", number) }
        if let number = agreement.external_agreement_no, agreement.personal_product_code != nil,
            agreement.sign_scene != nil
        {
            return ("external_agreement_no", number)
        }
        return nil
    }

    /// `{"<name>":{…},"sign":"…"}`, signed over the object's text as written (spaces and all).
    private func answer(_ name: String, _ fields: [String: String]) -> SimReply {
        let content =
            "{"
            + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(Self.quoted($0.value))" }
            .joined(separator: ", ") + "}"
        let signer = draw("forge") < settings.forgedAnswerShare ? forger : key
        let sign = (try? signer.signature(for: Data(content.utf8)).base64EncodedString()) ?? ""
        let body = "{\"\(name)\":\(content),\"sign\":\"\(sign)\"}"
        return SimReply(status: 200, body: Data(body.utf8), fault: nil, contentType: "text/html;charset=utf-8")
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    private func draw(_ kind: String) -> Double {
        let n = draws.withLock { count -> UInt64 in
            count += 1
            return count
        }
        var rng = SplitMix64(seed: settings.seed, stream: "alipay/\(kind)/\(n)")
        return rng.unit()
    }
}
