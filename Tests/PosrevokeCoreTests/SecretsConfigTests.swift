import Foundation
import PosrevokeCore
import Testing

@Suite("Credentials, URLs and control characters")
struct SecretsConfigTests {
    @Test("a bearer token is token68: a control character, a space or a stray '=' is refused, and never quoted")
    func bearerTokens() {
        for good in ["abc", "A-Z.0_9~+/x", "dG9rZW4=", "dG9r==", String(repeating: "a", count: 4096)] {
            #expect(CredentialKind.bearerToken.problem(good) == nil, "\(good.prefix(20))")
        }
        for bad in [
            "", "s3cr\u{1}t", "s3cr\u{1B}[2Jt", "two words", "a=b", "=", "tok\r\nX-Evil: 1", "tök",
            String(repeating: "a", count: 4097),
        ] {
            let problem = CredentialKind.bearerToken.problem(bad)
            #expect(problem != nil, "\(bad.debugDescription)")
            if bad.count > 3 { #expect(problem?.contains(bad) == false) }
        }
    }

    @Test("a signing key is printable ASCII on one line, at most 1 KiB")
    func signingKeys() {
        #expect(CredentialKind.signingKey.problem("the platform's key") == nil)
        #expect(CredentialKind.signingKey.problem("bXlrZXk=") == nil)
        #expect(CredentialKind.signingKey.problem("key\u{0}more") != nil)
        #expect(CredentialKind.signingKey.problem("key\nmore") != nil)
        #expect(CredentialKind.signingKey.problem(String(repeating: "k", count: 1025)) != nil)
    }

    @Test("credential files: private to their owner when given as a path, capped in size, checked for their kind")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String, mode: mode_t) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, mode)
            return path
        }
        let good = try write("good", "tok-SECRET-1\n", mode: 0o600)
        #expect(try CredentialFile.read(good, kind: .bearerToken, checkPermissions: true) == "tok-SECRET-1")

        let open = try write("open", "tok-SECRET-2\n", mode: 0o644)
        #expect {
            try CredentialFile.read(open, kind: .bearerToken, checkPermissions: true)
        } throws: { error in
            let text = "\(error)"
            return text.contains(open) && text.contains("chmod 600 \(open)") && text.contains("mode 644")
                && !text.contains("SECRET")
        }
        // systemd's credentials directory is private already: no mode check there.
        #expect(try CredentialFile.read(open, kind: .bearerToken, checkPermissions: false) == "tok-SECRET-2")
        #expect(throws: CredentialFile.Failure.self) {
            try CredentialFile.read(
                try write("group", "tok\n", mode: 0o640),
                kind: .bearerToken,
                checkPermissions: true
            )
        }

        let control = try write("control", "tok-SECRET\u{1}3\n", mode: 0o600)
        #expect {
            try CredentialFile.read(control, kind: .bearerToken, checkPermissions: true)
        } throws: { error in
            "\(error)".contains("is not a bearer token") && !"\(error)".contains("SECRET")
        }
        let big = try write("big", String(repeating: "a", count: 70_000), mode: 0o600)
        #expect {
            try CredentialFile.read(big, kind: .signingKey, checkPermissions: true)
        } throws: { error in
            "\(error)".contains("larger than 65536 bytes")
        }
        #expect {
            try CredentialFile.read("/dev/zero", kind: .signingKey, checkPermissions: false)
        } throws: { error in
            "\(error)".contains("not a regular file")
        }
        #expect {
            try CredentialFile.read(dir.appendingPathComponent("none").path, kind: .signingKey, checkPermissions: true)
        } throws: { error in
            (error as? CredentialFile.Failure)?.reason == .missing
        }
        #expect(throws: CredentialFile.Failure.self) {
            try CredentialFile.read(try write("empty", "\n", mode: 0o600), kind: .signingKey, checkPermissions: true)
        }
    }

    @Test("a URL with user info is refused without quoting it, for terminals and platforms")
    func userInfo() {
        #expect {
            try ConfigParser.parse(
                yaml: """
                    platform:
                      providers: {wechat-payscore: http}
                      http:
                        wechat-payscore: {url: "https://merchant:hunter2@pay.example/v3", merchant_id: "1", service_id: s, key_file: k}
                    terminals:
                      - {id: t-1, store: s, driver: agent, url: "https://admin:pa55word@gw.example/t/t-1"}
                      - {id: t-2, store: s, driver: agent, url: "https://admin@gw.example/t/t-2"}
                    """
            )
        } throws: { error in
            let text = "\(error)"
            return text.contains("platform.http.wechat-payscore.url: must not carry user info")
                && text.contains("terminals[0].url: must not carry user info")
                && text.contains("terminals[1].url: must not carry user info")
                && !text.contains("hunter2") && !text.contains("pa55word")
        }
    }

    @Test("a bearer token over plain http:// needs allow_plain_http: true on its terminal")
    func plainHTTP() throws {
        #expect {
            try ConfigParser.parse(
                yaml: "terminals: [{id: t-1, store: s, driver: agent, url: 'http://gw:8080/t/t-1', token_file: t}]\n"
            )
        } throws: { error in
            "\(error)".contains("terminals[0].token_file: a bearer token would cross the network unencrypted")
                && "\(error)".contains("allow_plain_http: true")
        }
        let allowed = try ConfigParser.parse(
            yaml: """
                terminals:
                  - {id: t-1, store: s, driver: agent, url: 'http://127.0.0.1:8080/t/t-1', token_file: t, allow_plain_http: true}
                  - {id: t-2, store: s, driver: agent, url: 'http://gw:8080/t/t-2'}
                  - {id: t-3, store: s, driver: agent, url: 'HTTPS://gw:8443/t/t-3', token_file: t}
                """
        )
        #expect(allowed.terminals.map(\.allowPlainHTTP) == [true, false, false])
        #expect {
            try ConfigParser.parse(yaml: "terminals: [{id: t-1, store: s, allow_plain_http: true}]\n")
        } throws: { error in
            "\(error)".contains("terminals[0].allow_plain_http: only applies to driver: agent")
        }
    }

    @Test("control characters are shown escaped: ESC, CR, C1 and DEL; other text is left alone")
    func escaping() {
        #expect(ControlCharacters.escaped("plain 文字 text \\ ok") == "plain 文字 text \\ ok")
        #expect(ControlCharacters.escaped("a\u{1B}[2Jb") == "a\\u{1B}[2Jb")
        #expect(ControlCharacters.escaped("line\r\nnext\tx") == "line\\r\\nnext\\tx")
        #expect(ControlCharacters.escaped("\u{9B}31m\u{7F}\u{0}") == "\\u{9B}31m\\u{7F}\\u{00}")
        #expect(ControlCharacters.singleLine("reload rejected: a\nSTATUS=x\r") == "reload rejected: a STATUS=x ")
        #expect(
            !ControlCharacters.escaped("\u{1B}\u{85}\u{7}").unicodeScalars.contains(where: ControlCharacters.isControl)
        )
    }

    @Test("a config key with a newline or an escape in it is shown escaped in the error")
    func issueEscaping() {
        #expect {
            try ConfigParser.parse(yaml: "\"polling\\nSTATUS=x\\e[2J\": 1\n")
        } throws: { error in
            let text = "\(error)"
            return !text.contains("\n") && !text.contains("\u{1B}") && text.contains("polling\\nSTATUS=x\\u{1B}[2J")
        }
    }
}
