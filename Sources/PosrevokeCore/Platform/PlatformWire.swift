public import Foundation

/// The JSON bodies of the payment-platform API, shaped like WeChat Pay Score APIv3 (snake_case on the wire).
///
/// The daemon's HTTP adapter decodes them and `posrevoke-sim` encodes them. See docs/platform-api.md.
public enum PlatformWire {
    /// Order states that can still be cancelled, as the platform names them.
    public static let cancellableStates = ["CREATED", "DOING", "USER_PAYING"]

    public static var encoder: JSONEncoder { AgentWire.encoder }
    public static var decoder: JSONDecoder { AgentWire.decoder }

    public struct Order: Codable, Sendable, Equatable {
        public var out_order_no: String
        public var state: String
        public init(out_order_no: String, state: String) {
            self.out_order_no = out_order_no
            self.state = state
        }
    }

    /// `GET /v3/payscore/serviceorder?service_id=&terminal_id=`: the terminal's open service orders.
    public struct OrderList: Codable, Sendable, Equatable {
        public var data: [Order]
        public init(data: [Order]) { self.data = data }
    }

    /// `POST /v3/payscore/serviceorder/{out_order_no}/cancel`.
    public struct CancelRequest: Codable, Sendable, Equatable {
        public var appid: String
        public var service_id: String
        public var reason: String
        public init(appid: String, service_id: String, reason: String) {
            self.appid = appid
            self.service_id = service_id
            self.reason = reason
        }
    }

    /// `POST /v3/payscore/permissions/authorization-code/{code}/terminate` (answers 204) and `…/restore`.
    public struct BindingRequest: Codable, Sendable, Equatable {
        public var service_id: String
        public var reason: String
        public init(service_id: String, reason: String) {
            self.service_id = service_id
            self.reason = reason
        }
    }

    /// `GET /v3/payscore/permissions/authorization-code/{code}?service_id=`.
    public struct Authorization: Codable, Sendable, Equatable {
        public var authorization_code: String
        public var service_id: String
        /// `AVAILABLE`, `UNAVAILABLE` or `UNBINDUSER`.
        public var authorization_state: String
        public var cancel_authorization_time: String?
        public init(authorization_code: String, service_id: String, authorization_state: String) {
            self.authorization_code = authorization_code
            self.service_id = service_id
            self.authorization_state = authorization_state
        }
    }

    /// `POST /v3/payscore/deactivation-applications`: one application per `out_request_no`.
    public struct DeactivationRequest: Codable, Sendable, Equatable {
        public var out_request_no: String
        public var service_id: String
        public var terminal_id: String
        public init(out_request_no: String, service_id: String, terminal_id: String) {
            self.out_request_no = out_request_no
            self.service_id = service_id
            self.terminal_id = terminal_id
        }
    }

    /// An application and its review: `SUBMITTED`, `UNDER_REVIEW`, `APPROVED` or `REJECTED` (with a reason).
    public struct Deactivation: Codable, Sendable, Equatable {
        public var application_id: String
        public var out_request_no: String?
        public var terminal_id: String?
        public var state: String
        public var reject_reason: String?
        public init(application_id: String, state: String, reject_reason: String?) {
            self.application_id = application_id
            self.state = state
            self.reject_reason = reject_reason
        }
    }

    /// Every non-2xx answer: `{"code": "SIGN_ERROR", "message": "…"}`.
    public struct Failure: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }
}
