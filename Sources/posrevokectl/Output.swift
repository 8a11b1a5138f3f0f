import Foundation
import PosrevokeControl

/// Prints results: aligned tables for people, the daemon's JSON for scripts.
enum Output {
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
        let width = pairs.map(\.0.count).max() ?? 0
        for (name, value) in pairs { print("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)") }
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
        FileHandle.standardError.write(Data("posrevokectl: \(message)\n".utf8))
        exit(1)
    }
}
