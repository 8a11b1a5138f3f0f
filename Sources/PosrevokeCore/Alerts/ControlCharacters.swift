/// Text from outside (terminal agents, platforms, config keys) made safe for a terminal or a one-line field.
public enum ControlCharacters {
    /// True for C0 controls, DEL and C1 controls: what a terminal may act on instead of showing.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Every control character written visibly: `\n`, `\r`, `\t`, and `\u{1B}` style for the rest; a backslash
    /// stays as it is. Safe to print to a terminal: nothing in the result moves the cursor or starts an escape.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where isControl(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// One line: every control character (newlines included) becomes a space. For `STATUS=` and other fields
    /// where a newline would start a new assignment.
    public static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { result.append(isControl(scalar) ? " " : scalar) }
        return String(result)
    }
}
