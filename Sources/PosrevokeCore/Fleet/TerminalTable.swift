/// The inventory's terminals in config order, found by id: the config's own array (shared, not copied) and where
/// each id sits in it. A second copy of the fleet as a dictionary of values weighs 50 MB at 100,000 terminals.
public struct TerminalTable: Sendable {
    public let all: [Terminal]
    private let index: [String: Int]

    /// A duplicate id (the config refuses them) finds its first entry.
    public init(_ terminals: [Terminal] = []) {
        all = terminals
        index = Dictionary(terminals.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(id id: String) -> Terminal? {
        guard let at = index[id], all.indices.contains(at) else { return nil }
        return all[at]
    }
}
