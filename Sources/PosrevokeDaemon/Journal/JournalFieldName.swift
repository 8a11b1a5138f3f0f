/// Turns arbitrary metadata keys into names journald accepts: `[A-Z0-9_]`, at most 64 bytes,
/// not starting with `_` or a digit. journald silently drops anything else, so every key passes through here.
package enum JournalFieldName {
    package static func sanitize(_ key: String) -> String? {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        while name.hasPrefix("_") { name.removeFirst() }
        if let first = name.first, first.isNumber { name = "F_" + name }
        name = String(name.prefix(64))
        return name.isEmpty ? nil : name
    }
}
