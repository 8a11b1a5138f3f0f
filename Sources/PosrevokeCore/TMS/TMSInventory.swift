import Foundation
import Yams

/// Writes the terminals a TMS lists as a posrevoked terminals file (`terminals_file:`), one terminal a line, and
/// reads the optional mapping from the TMS's merchant names to the inventory's stores.
public enum TMSInventory {
    public struct Options: Sendable {
        /// merchant name → store id; nil: the merchant name is the store.
        public var stores: [String: String]?
        public var providers: [CreditProvider]
        public var pollIntervalSeconds: Int

        public init(stores: [String: String]?, providers: [CreditProvider], pollIntervalSeconds: Int) {
            self.stores = stores
            self.providers = providers
            self.pollIntervalSeconds = pollIntervalSeconds
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The file's text; terminals without a serial number are left out, each named in a comment.
    public static func yaml(_ terminals: [PaxstoreWire.Terminal], _ options: Options) throws(Failure) -> String {
        var lines = [
            "# Written by posrevokectl terminals import --from paxstore: \(terminals.count) terminals.",
            "# Name this file in terminals_file: of a posrevoked config; a reload picks up a new one.",
        ]
        var seen: [String: String] = [:]
        var unmapped: Set<String> = []
        for terminal in terminals {
            guard let serial = terminal.serialNo, isName(serial) else {
                lines.append("# left out: PAXSTORE terminal \(terminal.id) has no usable serial number")
                continue
            }
            let id = terminal.tid.flatMap { isName($0) ? $0 : nil } ?? serial
            if let other = seen[id] {
                throw Failure(description: "terminals \(other) and \(serial) would both be '\(id)'")
            }
            seen[id] = serial
            let merchant = terminal.merchantName ?? ""
            let store: String
            if let stores = options.stores {
                guard let mapped = stores[merchant] else {
                    unmapped.insert(merchant)
                    continue
                }
                store = mapped
            } else {
                guard !merchant.isEmpty else {
                    throw Failure(description: "terminal \(serial) has no merchant: give a --stores mapping")
                }
                store = merchant
            }
            let providers = options.providers.map { "\($0.rawValue): {state: active}" }.joined(separator: ", ")
            lines.append(
                "- {id: \(quoted(id)), store: \(quoted(store)), driver: tms, tms: paxstore, serial_no: \(quoted(serial)), "
                    + "poll_interval: \(options.pollIntervalSeconds)s, providers: {\(providers)}}"
            )
        }
        guard unmapped.isEmpty else {
            let names = unmapped.sorted().prefix(20).map { quoted($0) }.joined(separator: ", ")
            throw Failure(
                description: "\(unmapped.count) merchants are not in the --stores mapping: \(names)"
                    + (unmapped.count > 20 ? " …" : "")
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--stores FILE`: a YAML mapping of merchant names to store ids.
    public static func storeMapping(yaml text: String) throws(Failure) -> [String: String] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw Failure(description: "not YAML: \(error)")
        }
        guard let mapping = node?.mapping else {
            throw Failure(description: "must be a mapping of merchant names to store ids")
        }
        var stores: [String: String] = [:]
        for (key, value) in mapping {
            guard let merchant = key.string, let store = value.string, !store.isEmpty else {
                throw Failure(description: "line \(key.mark?.line ?? 0): each entry is `merchant name: store-id`")
            }
            stores[merchant] = store
        }
        return stores
    }

    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && !text.contains { $0.isWhitespace || $0 == "/" || $0.isNewline }
    }

    /// A YAML double-quoted scalar: JSON's escaping is YAML's.
    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
