/// The short live line systemd shows in `systemctl status` (`STATUS=`).
struct StatusLine: Sendable, Equatable {
    var terminals: Int
    var firing: Int
    var reload: String
    var skipped: Int
    var dropped: Int
    var storeFailures: Int

    var text: String {
        var parts = [
            "polling \(terminals) terminal\(terminals == 1 ? "" : "s")",
            "\(firing) alert\(firing == 1 ? "" : "s") firing",
            reload,
        ]
        if skipped > 0 { parts.append("\(skipped) polls skipped") }
        if dropped > 0 { parts.append("\(dropped) journal entries dropped") }
        if storeFailures > 0 { parts.append("\(storeFailures) store write failures") }
        return parts.joined(separator: " · ")
    }
}
