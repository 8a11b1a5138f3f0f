import Foundation
import GRDB
import PosrevokeCore

/// The payment platform's evidence on the engine queue: a bill's findings and the alerts they move, together.
extension Engine {
    /// Moves every alert of `source` to what its current evidence shows, and saves and queues what changed, inside the
    /// caller's transaction.
    private func settle(
        _ current: [EvidenceSighting],
        source: EvidenceSource,
        context: [String: String],
        _ alerts: inout AlertBook,
        now: Date,
        _ db: Database
    ) throws {
        let known = Dictionary(
            alerts.records.values.filter { $0.key.source == source.rawValue }.map { ($0.key, $0.store) },
            uniquingKeysWith: { first, _ in first }
        )
        var update = AlertBook.Update()
        for (condition, store) in PlatformEvidenceRule.conditions(
            current,
            source: source,
            known: known,
            context: context
        ) {
            let step = alerts.apply([condition], store: store, config: config.detection, now: now)
            update.changed += step.changed
            update.announcements += step.announcements
        }
        for record in update.changed { try StateStore.saveAlert(record, at: now, db) }
        try StateStore.enqueue(update.announcements, db)
    }

    /// Stores a day's bill as read with what it found, and moves every `platform-bill` alert to what the newest bill
    /// read shows, in one transaction. False, changing nothing, when the bill was read before.
    func recordBill(date: String, rows: Int, malformed: Int, sightings: [EvidenceSighting]) throws -> Bool {
        let now = clock.now()
        var alerts = self.alerts
        let enabled = config.detection.lingeringCreditPay.enabled
        let fresh = try store.write { db -> Bool in
            guard try StateStore.saveBillRead(date, rows: rows, malformed: malformed, sightings: sightings, at: now, db)
            else { return false }
            guard enabled else { return true }
            let (newest, current) = try StateStore.currentBillSightings(db)
            try settle(current, source: .bill, context: ["BILL_DATE": newest ?? date], &alerts, now: now, db)
            return true
        }
        if fresh {
            self.alerts = alerts
            counters.firing = alerts.firingCount
        }
        return fresh
    }
}

/// Pay Score callbacks: one transaction records the notification id (a duplicate changes nothing), the
/// authorization it opens or closes, and the `platform-callback` alerts that follow.
extension Engine {
    enum CallbackEffect: Sendable {
        /// With the user's authorization when it belongs to a store: recorded like an imported one, so a plan's
        /// confirm-unbind ends it too.
        case opened(EvidenceSighting, authorization: UserAuthorization?)
        /// An authorization opened before the cutover of what it belongs to: recorded nowhere, nothing to say.
        case openedBeforeCutover
        case closed(reference: String)
        case ignored
    }

    /// False when the notification was handled before.
    func recordCallback(id: String, event: String, effect: CallbackEffect) throws -> Bool {
        let now = clock.now()
        var alerts = self.alerts
        let enabled = config.detection.lingeringCreditPay.enabled
        let fresh = try store.write { db -> Bool in
            guard try StateStore.insertCallback(id: id, event: event, at: now, db) else { return false }
            switch effect {
            case .opened(let sighting, let authorization):
                try StateStore.insert(sighting, at: now, db)
                if let authorization { _ = try StateStore.insertAuthorizations([authorization], at: now, db) }
            case .closed(let reference): try StateStore.closeCallbackSighting(reference: reference, db)
            case .openedBeforeCutover, .ignored: return true
            }
            guard enabled else { return true }
            let current = try StateStore.sightings(db, where: "source = 'platform-callback' AND open = 1")
            try settle(current, source: .callback, context: [:], &alerts, now: now, db)
            return true
        }
        if fresh {
            self.alerts = alerts
            counters.firing = alerts.firingCount
        }
        return fresh
    }

    /// Who a user's authorization belongs to: the terminal that reported its `out_request_no`, else the store it was
    /// imported for, else the store of the sub-merchant, else the merchant as a whole (as bill rows are attributed).
    func callbackOwner(_ payload: PayScoreServiceEvent, merchantID: String) throws -> EvidenceAttribution.Owner {
        let attribution = EvidenceAttribution(
            terminals: effectiveTerminals,
            stores: config.stores,
            provider: .wechatPayscore,
            merchantID: merchantID
        )
        if let request = payload.out_request_no, !request.isEmpty,
            let terminal = try store.reportingTerminal(transaction: request, provider: .wechatPayscore),
            let owner = attribution.owner(terminal: terminal)
        {
            return owner
        }
        let keys: [(String, String?)] = [
            ("authorization_code", payload.authorization_code), ("openid", payload.openid),
        ]
        for (kind, value) in keys {
            guard let value, !value.isEmpty,
                let owning = try store.authorizationStore(provider: .wechatPayscore, kind: kind, value: value)
            else { continue }
            return attribution.owner(store: owning)
        }
        return attribution.owner(deviceInfo: "", subMerchantID: payload.sub_mchid ?? "")
    }
}
