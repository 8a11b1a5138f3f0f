import Foundation

/// A fresh directory under /tmp for one test, removed when the test's scope ends.
final class TestDirectory {
    let url: URL

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posrevoke-\(safe)-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A credential file, private to its owner (mode 600) as the daemon and the simulator demand.
    @discardableResult
    func writeSecret(_ name: String, _ text: String) throws -> String {
        let path = try write(name, text)
        guard chmod(path, 0o600) == 0 else { throw HarnessError("cannot chmod \(path)") }
        return path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
