/// One thing wrong with a config file, located by key path and, where the YAML parser knows it, line.
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// Control characters from the file (a key with a newline or an escape in it) are shown escaped.
    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        let text = path.isEmpty ? "\(location)\(message)" : "\(location)\(path): \(message)"
        return ControlCharacters.escaped(text)
    }
}

/// Every issue found in one config file; a config is only accepted when this would be empty.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(_ issues: [ConfigIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
