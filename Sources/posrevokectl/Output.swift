import Foundation
import PosrevokeControl
import PosrevokeCore

/// Prints results: aligned tables for people, the daemon's JSON for scripts.
///
/// Text for people passes through `safe`: terminal ids, summaries, errors and comments come from terminals,
/// platforms and operators, and an escape sequence in them must be shown, not obeyed. JSON escapes them itself.
enum Output {
    /// Control characters (ESC, CR, other C0 and C1) written visibly, as `\u{1B}`.
    static func safe(_ text: String) -> String { ControlCharacters.escaped(text) }

    /// As `safe`, but line breaks stay: for messages of several lines, such as every error of a config.
    static func safeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { safe(String($0)) }.joined(separator: "\n")
    }

    static func json(_ value: JSONValue?) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value ?? .null) { print(String(decoding: data, as: UTF8.self)) }
    }

    /// Columns padded to their widest cell (by characters; CJK text may look slightly off).
    static func table(_ header: [String], _ rows: [[String]]) {
        guard !rows.isEmpty else {
            print("(none)")
            return
        }
        let rows = rows.map { $0.map(safe) }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    static func fields(_ pairs: [(String, String)]) {
        let pairs = pairs.map { (safe($0.0), $0.1) }
        let width = pairs.map(\.0.count).max() ?? 0
        for (name, value) in pairs {
            print("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(safe(value))")
        }
    }

    /// `[#######.......]  7/15`
    static func bar(_ done: Int, of total: Int, width: Int = 30) -> String {
        let filled = total == 0 ? width : Int((Double(done) / Double(total) * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] \(done)/\(total)"
    }

    static func time(_ date: Date?) -> String {
        date.map {
            $0.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false))
        } ?? "-"
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("posrevokectl: \(safeLines(message))\n".utf8))
        exit(1)
    }
}
