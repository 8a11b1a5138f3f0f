import Foundation

/// `lingering-credit-pay` from the payment platform's own records: active for a subject while the current evidence
/// of a source names it. For bills that is the latest bill read (a later bill without such payments resolves it);
/// for callbacks, the authorizations opened after cutover and not closed since.
public enum PlatformEvidenceRule {
    /// At most this many order numbers are named in one alert; the count says how many there were.
    public static let maxReferences = 10

    /// Conditions for every subject with current evidence of `source`, and inactive ones for `known` keys of that
    /// source (with the store of their record) that have none now.
    public static func conditions(
        _ sightings: [EvidenceSighting],
        source: EvidenceSource,
        known: [AlertKey: String],
        context: [String: String] = [:]
    ) -> [(condition: Condition, store: String)] {
        var groups: [AlertKey: [EvidenceSighting]] = [:]
        for sighting in sightings where sighting.source == source { groups[sighting.key, default: []].append(sighting) }
        var result: [(condition: Condition, store: String)] = []
        for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
            let ordered = group.sorted { ($0.time, $0.reference) < ($1.time, $1.reference) }
            guard let first = ordered.first, let last = ordered.last else { continue }
            let references = ordered.map(\.reference).reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            }
            var evidence = context
            evidence["EVIDENCE_SCOPE"] = key.scope.rawValue
            evidence["PLATFORM_COUNT"] = String(ordered.count)
            evidence["ORDER_NUMBERS"] = references.prefix(maxReferences).joined(separator: " ")
            evidence["FIRST_EVENT_TIME"] = first.time.formatted(.iso8601)
            evidence["LAST_EVENT_TIME"] = last.time.formatted(.iso8601)
            evidence["LAST_EVENT"] = last.detail
            let what = source == .bill ? "Pay Score payment" : "Pay Score authorization"
            let count = ordered.count == 1 ? "1 \(what)" : "\(ordered.count) \(what)s"
            let more = references.count > maxReferences ? " and \(references.count - maxReferences) more" : ""
            let summary =
                "the platform's \(source == .bill ? "trade bill" : "callbacks") show \(count) after cutover "
                + "(\(references.prefix(maxReferences).joined(separator: ", "))\(more)); "
                + (source == .bill
                    ? "credit-score pay still goes through here"
                    : "customers can still authorize the cancelled service")
            result.append(
                (condition: Condition(key: key, active: true, evidence: evidence, summary: summary), store: first.store)
            )
        }
        for (key, store) in known.sorted(by: { $0.key < $1.key })
        where key.source == source.rawValue && groups[key] == nil {
            let summary =
                source == .bill
                ? "the latest trade bill shows no Pay Score payment after cutover"
                : "every authorization opened after cutover was closed"
            result.append((condition: Condition(key: key, active: false, summary: summary), store: store))
        }
        return result
    }
}
