import Foundation
import Logging
import PosrevokeCore
import PosrevokeDaemon
import Testing

@Suite("Journal log handler")
struct JournalHandlerTests {
    @Test(
        "metadata keys become valid journal field names",
        arguments: [
            ("terminal_id", "TERMINAL_ID"),
            ("alert.key", "ALERT_KEY"),
            ("_PID", "PID"),
            ("__secret", "SECRET"),
            ("9lives", "F_9LIVES"),
            ("ünïcode-key", "N_CODE_KEY"),
        ]
    )
    func sanitize(key: String, expected: String) {
        let name = JournalFieldName.sanitize(key)
        #expect(name == expected)
        if let name {
            #expect(name.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
            #expect(!name.hasPrefix("_"))
            #expect(name.utf8.count <= 64)
        }
    }

    @Test("empty and all-underscore keys are dropped; long keys are cut to 64 bytes")
    func edges() {
        #expect(JournalFieldName.sanitize("") == nil)
        #expect(JournalFieldName.sanitize("___") == nil)
        #expect(JournalFieldName.sanitize(String(repeating: "a", count: 100))?.count == 64)
    }

    @Test("an event becomes identifier, message, priority and sanitised fields")
    func fields() {
        let event = LogEvent(
            level: .warning,
            message: "hello",
            metadata: nil,
            source: nil,
            file: "f.swift",
            function: "fn",
            line: 7
        )
        let fields = JournalLogHandler.fields(event: event, metadata: ["terminal-id": "t-1", "MESSAGE": "spoof"])
        let dict = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(dict["MESSAGE"] == "hello")
        #expect(dict["SYSLOG_IDENTIFIER"] == "posrevoked")
        #expect(dict["PRIORITY"] == "4")
        #expect(dict["TERMINAL_ID"] == "t-1")
        #expect(fields.filter { $0.name == "MESSAGE" }.count == 1)
        let alert = JournalLogHandler.fields(event: event, metadata: ["PRIORITY": "2"])
        #expect(alert.filter { $0.name == "PRIORITY" }.map(\.value) == ["2"])
    }

    @Test("the bounded queue drops and counts what does not fit")
    func boundedQueue() {
        let queue = JournalQueue(capacity: 0)
        #expect(!queue.enqueue([("MESSAGE", "x")]))
        #expect(queue.droppedCount == 1)
        #expect(queue.takeUnreportedDrops() == 1)
        #expect(queue.takeUnreportedDrops() == 0)
    }

    @Test("auto only trusts JOURNAL_STREAM when it names this process's stderr")
    func journalStream() {
        #expect(!LogTarget.stderrIsJournal([:]))
        #expect(!LogTarget.stderrIsJournal(["JOURNAL_STREAM": "1:2"]))
        var info = stat()
        fstat(STDERR_FILENO, &info)
        #expect(LogTarget.stderrIsJournal(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]))
        #expect(LogTarget.journal.destinations() == (true, false))
        #expect(LogTarget.console.destinations() == (false, true))
    }
}

@Suite("Secrets and status")
struct SecretAndStatusTests {
    @Test("credentials come from $CREDENTIALS_DIRECTORY and never print their value")
    func credentials() throws {
        let dir = try TestDirectory()
        try dir.write("platform-key", "s3cr3t\n")
        let secret = try SecretFile(
            "platform-key",
            kind: .signingKey,
            environment: ["CREDENTIALS_DIRECTORY": dir.path]
        )
        #expect(secret.reveal() == "s3cr3t")
        #expect(!"\(secret)".contains("s3cr3t"))
        #expect(throws: SecretFile.SecretError.self) {
            try SecretFile("platform-key", kind: .signingKey, environment: [:])
        }
        try dir.writeSecret("empty", "\n")
        #expect {
            try SecretFile(dir.file("empty"), kind: .signingKey)
        } throws: { error in
            "\(error)".contains("is empty")
        }
    }

    @Test("the status line is short and says what matters")
    func statusLine() {
        let calm = StatusLine(
            terminals: 200,
            firing: 3,
            reload: "last reload ok",
            skipped: 0,
            dropped: 0,
            storeFailures: 0
        )
        #expect(calm.text == "polling 200 terminals · 3 alerts firing · last reload ok")
        let busy = StatusLine(
            terminals: 1,
            firing: 1,
            reload: "reload rejected: x",
            skipped: 2,
            dropped: 5,
            storeFailures: 0
        )
        #expect(
            busy.text
                == "polling 1 terminal · 1 alert firing · reload rejected: x · 2 polls skipped · 5 journal entries dropped"
        )
        // A demonstration says so, and entries held for journald are counted with the reason.
        let demo = StatusLine(
            terminals: 8,
            firing: 0,
            reload: "last reload ok",
            skipped: 0,
            dropped: 0,
            storeFailures: 0,
            unwritten: 4,
            journalError: "Connection refused",
            simulated: 8
        )
        #expect(
            demo.text
                == "polling 8 terminals · 0 alerts firing · last reload ok · journald refuses entries (Connection "
                + "refused): 4 alert entries held · 8 simulated"
        )
    }

    @Test("the state directory follows --state-dir, then $STATE_DIRECTORY, then the config")
    func statePaths() {
        var config = DaemonConfig()
        #expect(StatePaths.stateDirectory(flag: nil, config: config, environment: [:]) == "/var/lib/posrevoke")
        config.daemon.stateDirectory = "/srv/p"
        #expect(StatePaths.stateDirectory(flag: nil, config: config, environment: [:]) == "/srv/p")
        #expect(
            StatePaths.stateDirectory(
                flag: nil,
                config: config,
                environment: ["STATE_DIRECTORY": "/var/lib/posrevoke:/x"]
            ) == "/var/lib/posrevoke"
        )
        #expect(
            StatePaths.stateDirectory(flag: "/flag", config: config, environment: ["STATE_DIRECTORY": "/s"]) == "/flag"
        )
    }
}
