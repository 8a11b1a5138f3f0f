import Foundation

/// Runs the built `posrevokectl` and captures what it prints.
enum Ctl {
    static var binary: String {
        URL(fileURLWithPath: DaemonProcess.binary).deletingLastPathComponent().appendingPathComponent("posrevokectl")
            .path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `posrevokectl ARGS --socket SOCKET`, optionally as another user through `setpriv`.
    static func run(_ arguments: [String], socket: String, asUID uid: Int? = nil) throws -> Result {
        let process = Process()
        if let uid {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", binary] + arguments + ["--socket", socket]
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments + ["--socket", socket]
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }
}
