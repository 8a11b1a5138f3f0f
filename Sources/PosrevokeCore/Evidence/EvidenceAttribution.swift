public import Foundation

/// Who a platform record belongs to: the terminal its device id names, else the store its sub-merchant names, else
/// the merchant as a whole; and from when on such a record is a finding (the cutover of what it belongs to).
///
/// A store has cut over once every one of its terminals has; the merchant once every store has. Before that, the
/// platform's evidence proves nothing: the store or merchant still offers the provider somewhere.
public struct EvidenceAttribution: Sendable {
    public struct Owner: Sendable, Equatable {
        public var scope: AlertScope
        public var subject: String
        public var store: String
        /// Nil while what it belongs to has not cut over.
        public var cutover: Date?
    }

    public let provider: CreditProvider
    public let merchantID: String
    private var terminalsByDevice: [String: String] = [:]
    private var storesBySubMerchant: [String: String] = [:]
    private var terminalStore: [String: String] = [:]
    private var terminalCutover: [String: Date] = [:]
    private var storeCutover: [String: Date] = [:]
    private var merchantCutover: Date?

    public init(terminals: [Terminal], stores: [StoreConfig], provider: CreditProvider, merchantID: String) {
        self.provider = provider
        self.merchantID = merchantID
        var storeLatest: [String: Date?] = [:]
        var merchantLatest: Date?? = .none
        for terminal in terminals.sorted(by: { $0.id < $1.id }) {
            terminalStore[terminal.id] = terminal.store
            terminalsByDevice[terminal.id] = terminal.id
            let cutover = terminal.providers[provider].flatMap { $0.state == .cancelled ? $0.cutover : nil }
            terminalCutover[terminal.id] = cutover
            storeLatest[terminal.store] = Self.latest(storeLatest[terminal.store], cutover)
            merchantLatest = Self.latest(merchantLatest, cutover)
        }
        // A device id names the terminal that declared it, even where it equals another terminal's id.
        for terminal in terminals { if let device = terminal.deviceInfo { terminalsByDevice[device] = terminal.id } }
        for store in stores { if let sub = store.wechatpaySubMchID { storesBySubMerchant[sub] = store.id } }
        for (store, latest) in storeLatest { storeCutover[store] = latest }
        merchantCutover = merchantLatest ?? nil
    }

    /// Nil (not yet seen) stays open to the first value; once a terminal has no cutover, neither does the whole.
    private static func latest(_ sofar: Date??, _ next: Date?) -> Date? {
        switch sofar {
        case .none: next
        case .some(.none): nil
        case .some(.some(let date)): next.map { max(date, $0) }
        }
    }

    public func owner(deviceInfo: String, subMerchantID: String) -> Owner {
        if !deviceInfo.isEmpty, let terminal = terminalsByDevice[deviceInfo] {
            return Owner(
                scope: .terminal,
                subject: terminal,
                store: terminalStore[terminal] ?? "",
                cutover: terminalCutover[terminal]
            )
        }
        if !subMerchantID.isEmpty, let store = storesBySubMerchant[subMerchantID] {
            return Owner(scope: .store, subject: store, store: store, cutover: storeCutover[store])
        }
        return Owner(scope: .merchant, subject: merchantID, store: "", cutover: merchantCutover)
    }

    /// A store the caller already knows (an authorization imported for it).
    public func owner(store: String) -> Owner {
        Owner(scope: .store, subject: store, store: store, cutover: storeCutover[store])
    }

    /// The owner of a terminal the caller already knows (an authorization it reported).
    public func owner(terminal: String) -> Owner? {
        guard let store = terminalStore[terminal] else { return nil }
        return Owner(scope: .terminal, subject: terminal, store: store, cutover: terminalCutover[terminal])
    }
}
