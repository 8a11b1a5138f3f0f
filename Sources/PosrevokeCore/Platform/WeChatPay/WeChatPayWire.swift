public import Foundation

/// The JSON bodies of the WeChat Pay Score APIv3 calls posrevoke makes (direct merchant), snake_case as published.
/// The daemon decodes answers only after their signature verified; `posrevoke-sim` encodes them.
public enum WeChatPayWire {
    public static var encoder: JSONEncoder { AgentWire.encoder }
    public static var decoder: JSONDecoder { AgentWire.decoder }

    /// Order states in which the order is still open (cancellable, or being debited).
    public static let openOrderStates: Set<String> = ["CREATED", "DOING"]

    /// `POST /v3/payscore/serviceorder/{out_order_no}/cancel`: `appid`, `service_id`, `reason`, the gateway API's
    /// body too; a retry repeats the same reason.
    public typealias CancelOrder = PlatformWire.CancelRequest

    /// `GET /v3/payscore/serviceorder?out_order_no=&service_id=&appid=`; also the cancel's answer (without state).
    public struct Order: Codable, Sendable, Equatable {
        public var out_order_no: String
        public var service_id: String?
        public var appid: String?
        public var mchid: String?
        public var order_id: String?
        /// CREATED, DOING, DONE, REVOKED or EXPIRED.
        public var state: String?
        /// USER_CONFIRM or MCH_COMPLETE.
        public var state_description: String?

        public init(out_order_no: String, service_id: String?, appid: String?, mchid: String?, state: String?) {
            self.out_order_no = out_order_no
            self.service_id = service_id
            self.appid = appid
            self.mchid = mchid
            self.state = state
        }
    }

    /// `POST /v3/payscore/permissions/authorization-code/{code}/terminate` (no `appid`) or
    /// `…/openid/{openid}/terminate` (with it); the reason is at most 50 characters. Answers 204.
    public struct Terminate: Codable, Sendable, Equatable {
        public var service_id: String
        public var appid: String?
        public var reason: String

        public init(service_id: String, appid: String?, reason: String) {
            self.service_id = service_id
            self.appid = appid
            self.reason = String(reason.prefix(50))
        }
    }

    /// `GET /v3/payscore/permissions/authorization-code/{code}?service_id=` or `…/openid/{openid}?…&appid=`.
    public struct Permission: Codable, Sendable, Equatable {
        public var service_id: String?
        public var appid: String?
        public var mchid: String?
        public var openid: String?
        public var authorization_code: String?
        /// AVAILABLE, UNAVAILABLE or UNBINDUSER.
        public var authorization_state: String
        public var cancel_authorization_time: String?

        public init(authorization_state: String) { self.authorization_state = authorization_state }
    }

    /// Every non-2xx answer: `{"code": "SIGN_ERROR", "message": "…", "detail": {…}}` (`detail` is not read), as the
    /// gateway API's.
    public typealias Failure = PlatformWire.Failure
}
