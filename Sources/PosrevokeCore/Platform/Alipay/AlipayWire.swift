public import Foundation

/// The bodies of the Alipay OpenAPI calls posrevoke makes. Answers are decoded only after their signature verified.
public enum AlipayWire {
    /// `biz_content`: compact JSON, keys sorted, absent fields left out.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static let unsign = "alipay.user.agreement.unsign"
    public static let query = "alipay.user.agreement.query"

    /// The code of a successful call; 20000 means the service is unavailable (try again), 40004 a business failure
    /// named by `sub_code`.
    public static let success = "10000"
    public static let unavailable = "20000"
    public static let businessFailure = "40004"

    /// Which agreement a call is about: its `agreement_no`, or the merchant's `external_agreement_no` with the
    /// product code and sign scene it was signed under.
    public struct Agreement: Codable, Sendable, Equatable {
        public var agreement_no: String?
        public var external_agreement_no: String?
        public var personal_product_code: String?
        public var sign_scene: String?

        public init(
            agreement_no: String? = nil,
            external_agreement_no: String? = nil,
            personal_product_code: String? = nil,
            sign_scene: String? = nil
        ) {
            self.agreement_no = agreement_no
            self.external_agreement_no = external_agreement_no
            self.personal_product_code = personal_product_code
            self.sign_scene = sign_scene
        }
    }

    /// The fields every answer object has, and those the agreement query adds.
    public struct Answer: Codable, Sendable, Equatable {
        public var code: String
        public var msg: String?
        public var sub_code: String?
        public var sub_msg: String?
        /// `alipay.user.agreement.query`: TEMP, NORMAL or STOP.
        public var status: String?
        public var agreement_no: String?

        public init(code: String, msg: String?, sub_code: String? = nil, sub_msg: String? = nil) {
            self.code = code
            self.msg = msg
            self.sub_code = sub_code
            self.sub_msg = sub_msg
        }
    }
}
