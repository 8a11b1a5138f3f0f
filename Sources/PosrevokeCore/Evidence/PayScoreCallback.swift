public import Foundation

/// A WeChat Pay notification (`POST` to the merchant's notify URL): the envelope, and for Pay Score service events
/// the decrypted resource. Read only after the signature verified; decrypted only with the APIv3 key.
public struct WeChatPayNotification: Codable, Sendable, Equatable {
    public struct Resource: Codable, Sendable, Equatable {
        public var algorithm: String
        public var ciphertext: String
        public var nonce: String
        public var associated_data: String?
        public var original_type: String?

        public init(
            algorithm: String,
            ciphertext: String,
            nonce: String,
            associated_data: String?,
            original_type: String?
        ) {
            self.algorithm = algorithm
            self.ciphertext = ciphertext
            self.nonce = nonce
            self.associated_data = associated_data
            self.original_type = original_type
        }
    }

    public var id: String
    public var create_time: String?
    public var event_type: String
    public var resource_type: String?
    public var summary: String?
    public var resource: Resource

    public init(id: String, create_time: String?, event_type: String, summary: String?, resource: Resource) {
        self.id = id
        self.create_time = create_time
        self.event_type = event_type
        self.resource_type = "encrypt-resource"
        self.summary = summary
        self.resource = resource
    }
}

/// The decrypted resource of `PAYSCORE.USER_OPEN_SERVICE` and `PAYSCORE.USER_CLOSE_SERVICE`.
public struct PayScoreServiceEvent: Codable, Sendable, Equatable {
    public var appid: String?
    public var mchid: String?
    /// Service providers only: the sub-merchant, which `stores:` may map to a store.
    public var sub_mchid: String?
    public var out_request_no: String?
    public var service_id: String?
    public var openid: String?
    /// USER_OPEN_SERVICE or USER_CLOSE_SERVICE.
    public var user_service_status: String?
    /// `yyyyMMddHHmmss`, Beijing time.
    public var openorclose_time: String?
    public var authorization_code: String?

    public init(
        mchid: String,
        service_id: String,
        out_request_no: String?,
        openid: String?,
        user_service_status: String,
        openorclose_time: String
    ) {
        self.mchid = mchid
        self.service_id = service_id
        self.out_request_no = out_request_no
        self.openid = openid
        self.user_service_status = user_service_status
        self.openorclose_time = openorclose_time
    }
}

/// Turns one callback request into what it says, or why it is refused. Pure: the listener feeds it the headers,
/// the body, the keys and the time.
public enum PayScoreCallbackReader {
    public static let openEvent = "PAYSCORE.USER_OPEN_SERVICE"
    public static let closeEvent = "PAYSCORE.USER_CLOSE_SERVICE"
    /// A notification is a few hundred bytes; anything far larger is not one.
    public static let maxBody = 64 << 10

    public enum Outcome: Sendable, Equatable {
        /// A Pay Score service opened or closed by a user.
        case service(id: String, event: String, payload: PayScoreServiceEvent)
        /// A verified notification of another kind (payments, confirmations): acknowledged, not acted on.
        case other(id: String, event: String)
        /// Not believed or not readable: answered non-2xx, never acted on.
        case refused(String)
    }

    public static func read(
        header: (String) -> String?,
        body: Data,
        verifier: WeChatPayVerifier,
        apiV3Key: String,
        now: Date
    ) -> Outcome {
        guard body.count <= maxBody else { return .refused("the body is larger than \(maxBody) bytes") }
        do {
            let headers = try WeChatPaySignatureHeaders(header)
            try verifier.verify(headers, body: body, now: now)
        } catch {
            return .refused("\(error)")
        }
        guard let notification = try? AgentWire.decoder.decode(WeChatPayNotification.self, from: body) else {
            return .refused("the body is not a notification {id, event_type, resource}")
        }
        guard notification.id.utf8.count <= 64, !notification.id.isEmpty else {
            return .refused("the id is not 1–64 bytes")
        }
        let event = String(notification.event_type.prefix(64))
        guard notification.event_type.hasPrefix("PAYSCORE.USER_") && notification.event_type.hasSuffix("_SERVICE")
        else { return .other(id: notification.id, event: event) }
        let resource = notification.resource
        guard resource.algorithm == "AEAD_AES_256_GCM" else {
            return .refused("the resource is encrypted with '\(resource.algorithm.prefix(32))', not AEAD_AES_256_GCM")
        }
        let plaintext: Data
        do {
            plaintext = try WeChatPayAEAD.open(
                ciphertext: resource.ciphertext,
                nonce: resource.nonce,
                associatedData: resource.associated_data ?? "",
                key: apiV3Key
            )
        } catch {
            return .refused("\(error)")
        }
        guard let payload = try? AgentWire.decoder.decode(PayScoreServiceEvent.self, from: plaintext) else {
            return .refused("the decrypted resource is not a Pay Score service event")
        }
        return .service(id: notification.id, event: event, payload: payload)
    }

    /// `yyyyMMddHHmmss` in Beijing time.
    public static func time(_ text: String?) -> Date? {
        guard let text, text.utf8.count == 14, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let value = Array(text)
        let dashed =
            String(value[0..<4]) + "-" + String(value[4..<6]) + "-" + String(value[6..<8]) + " "
            + String(value[8..<10]) + ":" + String(value[10..<12]) + ":" + String(value[12..<14])
        return TradeBillTime(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt).parse(dashed)
    }
}
