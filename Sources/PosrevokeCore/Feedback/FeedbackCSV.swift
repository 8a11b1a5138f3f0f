public import Foundation

/// Reads survey exports: CSV in UTF-8 with a header row, one feedback entry per row.
///
/// Columns are found by header name (case-insensitive); `Mapping` renames them for exports whose headers
/// differ. Rows with a problem are reported with their line number; the file as a whole is refused only
/// when it cannot be read at all (empty, not UTF-8, no header, a quote never closed, a missing column).
public enum FeedbackCSV {
    /// The entry fields a column can feed, and the header each is looked for under by default.
    public static let fields = [
        "id", "time", "terminal", "store", "provider", "source", "rating", "category", "comment",
    ]

    /// Field → header name (`--column rating=评分`); fields not named here use their own name as the header.
    public struct Mapping: Sendable, Equatable {
        public var headers: [String: String] = [:]
        public init(_ headers: [String: String] = [:]) { self.headers = headers }

        func header(for field: String) -> String { (headers[field] ?? field).lowercased() }
    }

    /// Why the whole file was refused.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public struct Parsed: Sendable {
        public var rows: [FeedbackImportRow]
        public var errors: [FeedbackRowError]
        /// Rows identical to an earlier row of the same file.
        public var duplicates: Int
    }

    public static func parse(
        _ data: Data,
        mapping: Mapping = Mapping(),
        timeZone: TimeZone,
        categories: [String]? = nil
    ) throws(FileError) -> Parsed {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.contains(where: { !Self.isBlank($0) }) else {
            throw FileError("the file is empty: expected a header row and feedback rows")
        }
        let text = try decode(bytes)
        let read = CSVReader.read(text)
        if let fatal = read.fatal { throw FileError("line \(fatal.line): \(fatal.message)") }
        guard let header = read.records.first else { throw FileError("the file has no header row") }
        if let broken = read.bad.first, broken.line < header.line {
            throw FileError("line \(broken.line): the header row is unreadable: \(broken.message)")
        }
        let columns = try locate(header, mapping: mapping)
        var parsed = Parsed(
            rows: [],
            errors: read.bad.map { FeedbackRowError(line: $0.line, reason: $0.message) },
            duplicates: 0
        )
        var seen: Set<String> = []
        for record in read.records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                parsed.errors.append(
                    FeedbackRowError(
                        line: record.line,
                        reason: "has \(record.fields.count) fields, the header has \(header.fields.count)"
                    )
                )
                continue
            }
            do {
                let row = try makeRow(record, columns: columns, timeZone: timeZone, categories: categories)
                if seen.insert(row.uid).inserted {
                    parsed.rows.append(row)
                } else {
                    parsed.duplicates += 1
                }
            } catch {
                parsed.errors.append(FeedbackRowError(line: record.line, reason: error.description))
            }
        }
        parsed.errors.sort { $0.line < $1.line }
        return parsed
    }

    private static func isBlank(_ byte: UInt8) -> Bool { [0x20, 0x09, 0x0A, 0x0D].contains(byte) }

    /// UTF-8 or a clear refusal naming the first bad line (LF never occurs inside a multi-byte sequence).
    private static func decode(_ bytes: [UInt8]) throws(FileError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            throw FileError(
                "line \(index + 1): not valid UTF-8; save the export as UTF-8 "
                    + "(for a GBK export: iconv -f GB18030 -t UTF-8 FILE > FILE.utf8.csv)"
            )
        }
        throw FileError("not valid UTF-8")
    }

    private static func locate(_ header: CSVReader.Record, mapping: Mapping) throws(FileError) -> [String: Int] {
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var columns: [String: Int] = [:]
        for field in fields {
            let wanted = mapping.header(for: field)
            if let index = names.firstIndex(of: wanted) {
                columns[field] = index
            } else if mapping.headers[field] != nil {
                throw FileError(
                    "line \(header.line): no column '\(wanted)' for \(field); the header has: \(names.joined(separator: ", "))"
                )
            }
        }
        var missing = ["time", "rating"].filter { columns[$0] == nil }
        if columns["terminal"] == nil && columns["store"] == nil { missing.append("terminal or store") }
        guard missing.isEmpty else {
            throw FileError(
                "line \(header.line): missing column \(missing.joined(separator: ", ")); the header has: "
                    + "\(names.joined(separator: ", ")) (rename columns with --column FIELD=HEADER)"
            )
        }
        return columns
    }

    struct RowError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private static func makeRow(
        _ record: CSVReader.Record,
        columns: [String: Int],
        timeZone: TimeZone,
        categories: [String]?
    ) throws(RowError) -> FeedbackImportRow {
        func value(_ field: String) -> String {
            columns[field].map { record.fields[$0].trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        }
        let terminal = value("terminal")
        let store = value("store")
        guard !terminal.isEmpty || !store.isEmpty else { throw RowError("names neither a terminal nor a store") }
        let timeText = value("time")
        guard let time = FeedbackTime.parse(timeText, timeZone: timeZone) else {
            throw RowError(
                "time '\(timeText)' is not a date such as 2026-11-20, 2026-11-20 14:30 or 2026-11-20T14:30:00+08:00"
            )
        }
        let ratingText = value("rating")
        guard let rating = Int(ratingText), (1...5).contains(rating) else {
            throw RowError("rating '\(ratingText)' is not a whole number from 1 to 5")
        }
        var category = value("category").lowercased()
        if category.isEmpty { category = "other" }
        if let categories, !categories.contains(category) {
            throw RowError("unknown category '\(category)' (known: \(categories.joined(separator: ", ")))")
        }
        guard FeedbackCategory.isValidName(category) else {
            throw RowError("category '\(category)' must be lower-case letters, digits and dashes")
        }
        let sourceText = value("source").lowercased()
        guard let source = sourceText.isEmpty ? .customer : FeedbackSource(rawValue: sourceText) else {
            throw RowError("source '\(sourceText)' must be customer or cashier")
        }
        let providerText = value("provider")
        if !providerText.isEmpty && CreditProvider(rawValue: providerText) == nil {
            let known = CreditProvider.allCases.map(\.rawValue).joined(separator: ", ")
            throw RowError("unknown provider '\(providerText)' (known: \(known))")
        }
        let comment = value("comment")
        guard comment.count <= 4000 else { throw RowError("comment is longer than 4000 characters") }
        let id = value("id")
        let identity =
            id.isEmpty
            ? [String(time.timeIntervalSince1970), terminal, store, source.rawValue, String(rating), category, comment]
                .joined(separator: "\u{1F}") : id
        let hash = String(StableHash.fnv1a(identity), radix: 16)
        return FeedbackImportRow(
            line: record.line,
            uid: id.isEmpty ? "survey:\(hash)" : "survey:id:\(id)",
            terminal: terminal.isEmpty ? nil : terminal,
            store: store.isEmpty ? nil : store,
            provider: providerText.isEmpty ? nil : providerText,
            source: source,
            rating: rating,
            category: category,
            comment: comment,
            time: time
        )
    }
}

/// The dates survey exports use: RFC 3339 with an offset, or a local date and time in a given zone.
public enum FeedbackTime {
    public static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        let parts = text.replacingOccurrences(of: "T", with: " ").split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count) else { return nil }
        let day = parts[0].split(whereSeparator: { $0 == "-" || $0 == "/" }).map { Int($0) }
        guard day.count == 3, let year = day[0], let month = day[1], let date = day[2], year >= 1970 else { return nil }
        var components = DateComponents(year: year, month: month, day: date, hour: 0, minute: 0, second: 0)
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":").map { Int($0) }
            guard (2...3).contains(clock.count), let hour = clock[0], let minute = clock[1] else { return nil }
            let second = clock.count == 3 ? clock[2] : 0
            guard let second, (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else {
                return nil
            }
            components.hour = hour
            components.minute = minute
            components.second = second
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
