/// Turns arbitrary metadata keys into names journald accepts: `[A-Z0-9_]`, at most 64 bytes,
/// not starting with `_` or a digit. journald silently drops anything else, so every key passes through here.
package enum JournalFieldName {
    package static func sanitize(_ key: String) -> String? {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.append(String(scalar).uppercased())
            case "A"..."Z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        while name.hasPrefix("_") { name.removeFirst() }
        if let first = name.first, first.isNumber { name = "F_" + name }
        name = String(name.prefix(64))
        return name.isEmpty ? nil : name
    }

    /// One journal entry: `fixed` first, then `extra` sorted by key with sanitized names, leaving out any that
    /// would repeat a fixed field (a caller's metadata cannot replace `MESSAGE` or `SYSLOG_IDENTIFIER`).
    package static func entry(
        _ fixed: [(name: String, value: String)],
        adding extra: [(key: String, value: String)]
    ) -> [(name: String, value: String)] {
        let reserved = Set(fixed.map(\.name))
        var fields = fixed
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) {
            guard let name = sanitize(key), !reserved.contains(name) else { continue }
            fields.append((name, value))
        }
        return fields
    }
}
