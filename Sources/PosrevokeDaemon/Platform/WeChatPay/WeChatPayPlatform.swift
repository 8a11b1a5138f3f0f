import Foundation
import PosrevokeCore

/// `platform.providers.wechat-payscore: wechatpay-v3`: WeChat Pay Score APIv3 for a direct merchant.
///
/// Orders: the terminal lists its open ones (WeChat has no query by terminal); each is cancelled and queried until
/// it is no longer open. Bindings: the store's users' authorizations the daemon knows are each terminated (by
/// `authorization_code` or `openid`) and queried until no longer `AVAILABLE`; a query before every terminate keeps
/// a retry after a lost answer from calling twice. The application and its review have no public API: they are
/// operator gates that say what to do in the merchant portal.
struct WeChatPayPlatform: PaymentPlatform {
    let client: WeChatPayClient
    var appliesByHand: Bool { true }
    private var account: WeChatPayAccount { client.account }

    init(client: WeChatPayClient) { self.client = client }

    func openOrders(terminal: String, provider: CreditProvider) async throws -> [String]? { nil }

    /// Queries an order that does not exist: WeChat Pay must accept the signature (no 401) and answer
    /// `ORDER_NOT_EXIST` with a signature that verifies.
    func check() async throws -> String {
        let query =
            "out_order_no=posrevoke-check&service_id=\(WeChatPayClient.escaped(account.serviceID))"
            + "&appid=\(WeChatPayClient.escaped(account.appID))"
        _ = try await client.call(.GET, "/v3/payscore/serviceorder?\(query)", alreadyDone: ["ORDER_NOT_EXIST"])
        let mode = account.usesPublicKey ? "public key \(account.publicKeyID ?? "")" : "platform certificates"
        return
            "WeChat Pay accepted a signed query as merchant \(account.merchantID), and its answer verified with \(mode)"
    }

    func cancelOrder(_ outOrderNo: String, reason: String) async throws {
        guard try await isOpen(outOrderNo) else { return }
        let body = WeChatPayWire.CancelOrder(appid: account.appID, service_id: account.serviceID, reason: reason)
        // Cancelled or finished meanwhile, or in a state that cannot be cancelled: the query below tells which.
        _ = try await client.call(
            .POST,
            "/v3/payscore/serviceorder/\(WeChatPayClient.escaped(outOrderNo))/cancel",
            body: body,
            alreadyDone: ["ORDER_CANCELED", "ORDER_DONE", "INVALID_ORDER_STATE"]
        )
        guard try await !isOpen(outOrderNo) else {
            throw PlatformCallError(
                description: "wechat-payscore platform: order \(outOrderNo) is still open (a debit may be in "
                    + "progress); cancelling again later",
                retryable: true
            )
        }
    }

    /// True while the order is CREATED or DOING.
    private func isOpen(_ outOrderNo: String) async throws -> Bool {
        let query =
            "out_order_no=\(WeChatPayClient.escaped(outOrderNo))&service_id=\(WeChatPayClient.escaped(account.serviceID))"
            + "&appid=\(WeChatPayClient.escaped(account.appID))"
        guard case .body(let data) = try await client.call(.GET, "/v3/payscore/serviceorder?\(query)") else {
            return false
        }
        let order = try decode(WeChatPayWire.Order.self, data)
        guard order.out_order_no == outOrderNo, let state = order.state else {
            throw PlatformCallError(
                description: "wechat-payscore platform: the order query answered about another order",
                retryable: true
            )
        }
        return WeChatPayWire.openOrderStates.contains(state)
    }

    func submitDeactivation(terminal: String, provider: CreditProvider, requestKey: String) async throws -> String {
        throw PlatformCallError(
            description: "WeChat Pay has no API for this: apply to close Pay Score (\(account.serviceID)) for "
                + "merchant \(account.merchantID) in the merchant portal (pay.weixin.qq.com, 产品中心 → 微信支付分), "
                + "then confirm the job",
            retryable: false,
            needsOperator: true
        )
    }

    func review(application: String) async throws -> (state: String, reason: String?) {
        throw PlatformCallError(
            description: "WeChat Pay reviews the application in the merchant portal: confirm the job once approved",
            retryable: false,
            needsOperator: true
        )
    }

    func bindingIsGone(_ scope: BindingScope) async throws -> Bool {
        for authorization in try known(scope) {
            if try await isAvailable(authorization) { return false }
        }
        return true
    }

    func terminateBinding(_ scope: BindingScope, reason: String) async throws {
        for authorization in try known(scope) {
            guard try await isAvailable(authorization) else { continue }
            let target: String
            let body: WeChatPayWire.Terminate
            switch authorization.key {
            case .authorizationCode(let code):
                target = "/v3/payscore/permissions/authorization-code/\(WeChatPayClient.escaped(code))/terminate"
                body = WeChatPayWire.Terminate(service_id: account.serviceID, appid: nil, reason: reason)
            case .openID(let openID):
                target = "/v3/payscore/permissions/openid/\(WeChatPayClient.escaped(openID))/terminate"
                body = WeChatPayWire.Terminate(service_id: account.serviceID, appid: account.appID, reason: reason)
            case .agreementNo, .externalAgreement:
                continue
            }
            _ = try await client.call(.POST, target, body: body)
        }
    }

    func rebind(_ scope: BindingScope, requestKey: String) async throws {
        throw PlatformCallError(
            description: "a merchant cannot restore users' Pay Score authorizations: users open the service again "
                + "themselves; confirm the job",
            retryable: false,
            needsOperator: true
        )
    }

    /// The scope's WeChat authorizations; none known is an operator gate, never a silent success.
    private func known(_ scope: BindingScope) throws -> [UserAuthorization] {
        let authorizations = scope.authorizations.filter {
            switch $0.key {
            case .authorizationCode, .openID: true
            case .agreementNo, .externalAgreement: false
            }
        }
        guard !authorizations.isEmpty else {
            throw PlatformCallError(
                description: "no Pay Score authorizations of store \(scope.store) are known: import them "
                    + "(posrevokectl authorizations import FILE) and retry the job, or confirm it if the store "
                    + "has none",
                retryable: false,
                needsOperator: true
            )
        }
        return authorizations
    }

    /// True while the user's authorization is AVAILABLE; one the platform does not know is not.
    private func isAvailable(_ authorization: UserAuthorization) async throws -> Bool {
        let service = WeChatPayClient.escaped(account.serviceID)
        let target: String
        switch authorization.key {
        case .authorizationCode(let code):
            target =
                "/v3/payscore/permissions/authorization-code/\(WeChatPayClient.escaped(code))?service_id=\(service)"
        case .openID(let openID):
            target =
                "/v3/payscore/permissions/openid/\(WeChatPayClient.escaped(openID))?service_id=\(service)"
                + "&appid=\(WeChatPayClient.escaped(account.appID))"
        case .agreementNo, .externalAgreement:
            return false
        }
        guard
            case .body(let data) = try await client.call(.GET, target, alreadyDone: ["NOT_FOUND", "ORDER_NOT_EXIST"])
        else { return false }
        return try decode(WeChatPayWire.Permission.self, data).authorization_state == "AVAILABLE"
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try WeChatPayWire.decoder.decode(type, from: data)
        } catch {
            throw PlatformCallError(description: "wechat-payscore platform: unreadable answer", retryable: true)
        }
    }
}
