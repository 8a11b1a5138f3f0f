import Foundation
import Yams

/// Strict, error-collecting reads of a YAML node tree: wrong types, out-of-range values and unknown keys
/// each become a `ConfigIssue` with a key path and line, and reading goes on so one pass reports them all.
final class NodeReader {
    var issues: [ConfigIssue] = []

    func report(_ path: String, _ node: Node?, _ message: String) {
        issues.append(ConfigIssue(path: path, line: node?.mark.map(\.line), message: message))
    }

    /// A mapping whose keys must all be in `keys`; `nil` (reported) when the node is not a mapping.
    func mapping(_ node: Node, _ path: String, keys: [String]) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(path, node, "must be a mapping")
            return nil
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(path, keyNode, "keys must be plain strings")
                continue
            }
            let child = join(path, key)
            if !keys.contains(key) {
                let hint = closest(key, in: keys).map { " (did you mean '\($0)'?)" } ?? ""
                report(child, keyNode, "unknown key\(hint)")
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// A free-form mapping (keys chosen by the user), in file order.
    func pairs(_ node: Node, _ path: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(path, node, "must be a mapping")
            return nil
        }
        return mapping.compactMap { keyNode, value in
            guard let key = keyNode.scalar?.string else {
                report(path, keyNode, "keys must be plain strings")
                return nil
            }
            return (key, keyNode, value)
        }
    }

    func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(path, node, "must be a list")
            return nil
        }
        return Array(sequence)
    }

    func string(_ node: Node, _ path: String, nonEmpty: Bool = true) -> String? {
        guard case .scalar(let scalar) = node else {
            report(path, node, "must be a string")
            return nil
        }
        if nonEmpty && scalar.string.trimmingCharacters(in: .whitespaces).isEmpty {
            report(path, node, "must not be empty")
            return nil
        }
        return scalar.string
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard let value = node.bool else {
            report(path, node, "must be true or false")
            return nil
        }
        return value
    }

    func int(_ node: Node, _ path: String, min: Int = .min, max: Int = .max) -> Int? {
        guard let value = node.int else {
            report(path, node, "must be an integer")
            return nil
        }
        guard value >= min, value <= max else {
            report(path, node, rangeMessage(min: Double(min), max: Double(max), isInt: true))
            return nil
        }
        return value
    }

    func double(_ node: Node, _ path: String, min: Double = -.infinity, max: Double = .infinity) -> Double? {
        guard let value = node.int.map(Double.init) ?? node.float, value.isFinite else {
            report(path, node, "must be a number")
            return nil
        }
        guard value >= min, value <= max else {
            report(path, node, rangeMessage(min: min, max: max, isInt: false))
            return nil
        }
        return value
    }

    func duration(_ node: Node, _ path: String, positive: Bool = false) -> Duration? {
        guard let text = node.scalar?.string, let value = DurationText.parse(text) else {
            report(path, node, "must be a duration such as 500ms, 30s, 5m, 2h or 7d")
            return nil
        }
        if positive && value <= .zero {
            report(path, node, "must be longer than zero")
            return nil
        }
        return value
    }

    func date(_ node: Node, _ path: String) -> Date? {
        if let date = node.timestamp { return date }
        guard let text = node.scalar?.string, let date = try? Date(text, strategy: .iso8601) else {
            report(path, node, "must be an RFC 3339 time such as 2026-11-01T02:00:00+08:00")
            return nil
        }
        return date
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func rangeMessage(min: Double, max: Double, isInt: Bool) -> String {
        func show(_ value: Double) -> String { isInt ? String(Int(value)) : String(value) }
        switch (min.isFinite && min > -Double(Int.max), max.isFinite && max < Double(Int.max)) {
        case (true, true): return "must be between \(show(min)) and \(show(max))"
        case (true, false): return "must be at least \(show(min))"
        case (false, true): return "must be at most \(show(max))"
        case (false, false): return "is out of range"
        }
    }

    /// The allowed key one edit away from a typo, if there is exactly such a key.
    private func closest(_ key: String, in keys: [String]) -> String? {
        keys.filter { editDistance($0, key) <= 2 }.min { editDistance($0, key) < editDistance($1, key) }
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}

/// Sets `target` when the key is there and its value is valid; top-level so ConfigParser and every reader share it.
func assign<T>(_ target: inout T, _ node: Node?, _ read: (Node) -> T?) {
    guard let node, let value = read(node) else { return }
    target = value
}

extension NodeReader {
    /// `host:port` for a listener, the port 1–65535.
    func listenAddress(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else {
            report(path, node, "must be host:port, e.g. 127.0.0.1:9469")
            return nil
        }
        return text
    }
}
