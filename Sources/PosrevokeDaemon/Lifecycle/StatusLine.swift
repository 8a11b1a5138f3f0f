import PosrevokeCore

/// The short live line systemd shows in `systemctl status` (`STATUS=`).
package struct StatusLine: Sendable, Equatable {
    package var terminals: Int
    package var firing: Int
    package var reload: String
    package var skipped: Int
    package var dropped: Int
    package var storeFailures: Int

    package init(terminals: Int, firing: Int, reload: String, skipped: Int, dropped: Int, storeFailures: Int) {
        self.terminals = terminals
        self.firing = firing
        self.reload = reload
        self.skipped = skipped
        self.dropped = dropped
        self.storeFailures = storeFailures
    }

    package var text: String {
        var parts = [
            "polling \(terminals) terminal\(terminals == 1 ? "" : "s")",
            "\(firing) alert\(firing == 1 ? "" : "s") firing",
            reload,
        ]
        if skipped > 0 { parts.append("\(skipped) polls skipped") }
        if dropped > 0 { parts.append("\(dropped) journal entries dropped") }
        if storeFailures > 0 { parts.append("\(storeFailures) store write failures") }
        // One line whatever the parts hold (a config key with a newline in a rejected reload): a newline would
        // start a new assignment in the sd_notify datagram.
        return ControlCharacters.singleLine(parts.joined(separator: " · "))
    }
}
