/// A user's standing permission for credit-score pay at a store, as the platform knows it: what the cancellation
/// ends (`confirm-unbind`). posrevoke learns them from `posrevokectl authorizations import` (and, later, from the
/// platform's callbacks).
public struct UserAuthorization: Sendable, Codable, Equatable, Hashable {
    public var provider: CreditProvider
    public var store: String
    public var key: Key

    public enum Key: Sendable, Codable, Equatable, Hashable {
        /// WeChat Pay Score in pre-authorization mode.
        case authorizationCode(String)
        /// WeChat Pay Score by the user's openid under the merchant's appid.
        case openID(String)
        /// Alipay: the platform's agreement number.
        case agreementNo(String)
        /// Alipay: the merchant's own agreement number, with the product code and sign scene it was signed under.
        case externalAgreement(no: String, productCode: String, signScene: String)
    }

    public init(provider: CreditProvider, store: String, key: Key) {
        self.provider = provider
        self.store = store
        self.key = key
    }

    /// One line for messages and the journal: the kind and its number.
    public var label: String {
        switch key {
        case .authorizationCode(let code): "authorization_code \(code)"
        case .openID(let openID): "openid \(openID)"
        case .agreementNo(let number): "agreement_no \(number)"
        case .externalAgreement(let number, _, _): "external_agreement_no \(number)"
        }
    }
}
