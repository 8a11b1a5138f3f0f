/// Splits RFC 4180 CSV text into records, remembering the line each record starts on.
///
/// Quoted fields may hold commas, doubled quotes and line breaks; records end at LF or CRLF.
struct CSVReader {
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// A problem that makes the rest of the file unreadable, or one record unusable.
    struct Problem: Error {
        var line: Int
        var message: String
        /// Only this record is bad; reading continues after it.
        var recordOnly: Bool
    }

    /// Every record, or the first problem that stops reading; record-level problems come back in `bad`.
    static func read(_ text: String) -> (records: [Record], bad: [Problem], fatal: Problem?) {
        var records: [Record] = []
        var bad: [Problem] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoted = false
        var afterQuote = false
        var broken: String?
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            if let reason = broken {
                bad.append(Problem(line: recordLine, message: reason, recordOnly: true))
            } else if !(fields.count == 1 && fields[0].allSatisfy(\.isWhitespace)) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            broken = nil
            afterQuote = false
        }

        while let scalar = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        afterQuote = true
                        pending = next
                    }
                } else if scalar == "\r" {
                    // A line break inside a quoted field: CRLF counts once (at its LF), a lone CR counts itself.
                    field.append(scalar)
                    let next = scalars.next()
                    if next != "\n" { line += 1 }
                    pending = next
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                afterQuote = false
            case "\r":
                let next = scalars.next()
                if next != "\n" { pending = next }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            default:
                if afterQuote && broken == nil {
                    broken = "unexpected text after a closing quote (a quote inside a field must be doubled)"
                }
                field.append(scalar)
            }
        }
        if quoted {
            return (
                records, bad, Problem(line: recordLine, message: "a quoted field is never closed", recordOnly: false)
            )
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return (records, bad, nil)
    }
}
