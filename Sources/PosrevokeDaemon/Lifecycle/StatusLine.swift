import PosrevokeCore

/// The short live line systemd shows in `systemctl status` (`STATUS=`).
package struct StatusLine: Sendable, Equatable {
    package var terminals: Int
    package var firing: Int
    package var reload: String
    package var skipped: Int
    package var dropped: Int
    package var storeFailures: Int
    /// Alert entries waiting in the outbox for journald, and why journald refuses them (nil while it does not).
    package var unwritten: Int
    package var journalError: String?
    /// Terminals of the built-in simulated fleet: said plainly, so a demonstration is never taken for a real fleet.
    package var simulated: Int

    package init(
        terminals: Int,
        firing: Int,
        reload: String,
        skipped: Int,
        dropped: Int,
        storeFailures: Int,
        unwritten: Int = 0,
        journalError: String? = nil,
        simulated: Int = 0
    ) {
        self.simulated = simulated
        self.unwritten = unwritten
        self.journalError = journalError
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
        if let journalError {
            parts.append("journald refuses entries (\(journalError)): \(unwritten) alert entries held")
        } else if unwritten > 0 {
            parts.append("\(unwritten) alert entries to write")
        }
        if simulated > 0 { parts.append("\(simulated) simulated") }
        // One line whatever the parts hold (a config key with a newline in a rejected reload): a newline would
        // start a new assignment in the sd_notify datagram.
        return ControlCharacters.singleLine(parts.joined(separator: " · "))
    }
}
