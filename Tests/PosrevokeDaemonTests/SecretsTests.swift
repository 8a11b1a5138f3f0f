import AsyncHTTPClient
import Foundation
import PosrevokeCore
import PosrevokeDaemon
import Testing

@Suite("Secrets stay out of errors")
struct SecretsTests {
    @Test("the HTTP client's own error quotes a bad header value whole; the description posrevoked uses never does")
    func transportErrors() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: "http://127.0.0.1:9/v1/status")
        request.headers.add(name: "authorization", value: "Bearer tok-SECRET\u{1}-77")
        var raw = ""
        var described = ""
        do {
            _ = try await client.execute(request, timeout: .seconds(2))
        } catch {
            raw = "\(error)"
            described = TransportError.describe(error)
        }
        try await client.shutdown()
        #expect(raw.contains("tok-SECRET"), "the client's error is what leaked before: \(raw)")
        #expect(!described.isEmpty && !described.contains("SECRET"), "\(described)")

        #expect(TransportError.describe(HTTPClientError.connectTimeout) == "connect timed out")
        #expect(TransportError.redacting("tok-1", in: "bad token tok-1 given") == "bad token [redacted] given")
        #expect(TransportError.redacting(nil, in: "text") == "text")
    }

    @Test("a token read by path must be private; from $CREDENTIALS_DIRECTORY it need not be; errors name the file")
    func secretFiles() throws {
        let dir = try TestDirectory()
        try dir.write("platform-key", "s3cr3t-key\n")
        let fromSystemd = try SecretFile(
            "platform-key",
            kind: .signingKey,
            environment: ["CREDENTIALS_DIRECTORY": dir.path]
        )
        #expect(fromSystemd.reveal() == "s3cr3t-key")
        #expect {
            try SecretFile(dir.file("platform-key"), kind: .signingKey, environment: [:])
        } throws: { error in
            "\(error)".contains("chmod 600 \(dir.file("platform-key"))") && !"\(error)".contains("s3cr3t")
        }
        try dir.writeSecret("token", "tok\u{7}SECRET\n")
        #expect {
            try SecretFile(dir.file("token"), kind: .bearerToken, environment: [:])
        } throws: { error in
            "\(error)".contains(dir.file("token")) && "\(error)".contains("not a bearer token")
                && !"\(error)".contains("SECRET")
        }
    }

    @Test("--check-config reports missing, open and malformed credential files, and notes what it cannot see")
    func checkConfig() throws {
        let dir = try TestDirectory()
        try dir.writeSecret("good.token", "tok-1\n")
        try dir.write("open.token", "tok-2\n")
        try dir.write("gw-open.token", "tok-4\n")
        try dir.writeSecret("platform.key", "key\u{1B}\n")
        let config = try ConfigParser.parse(
            yaml: """
                platform:
                  providers: {wechat-payscore: http}
                  http:
                    wechat-payscore: {url: "https://pay.example", merchant_id: "1", service_id: s, key_file: "\(dir.file("platform.key"))"}
                gateways:
                  gw: {url: "https://gw", token_file: "\(dir.file("gw-open.token"))"}
                terminals:
                  - {id: t-1, store: s, driver: agent, url: "https://gw/t/t-1", token_file: "\(dir.file("good.token"))"}
                  - {id: t-2, store: s, driver: agent, url: "https://gw/t/t-2", token_file: "\(dir.file("open.token"))"}
                  - {id: t-3, store: s, driver: agent, url: "https://gw/t/t-3", token_file: "\(dir.file("none.token"))"}
                  - {id: t-4, store: s, driver: agent, url: "https://gw/t/t-4", token_file: "\(dir.file("none.token"))"}
                  - {id: t-5, store: s, driver: agent, url: "https://gw/t/t-5", token_file: gw-token}
                """
        )
        let findings = CredentialCheck.findings(config, environment: [:])
        let errors = findings.filter(\.isError).map(\.text)
        #expect(errors.count == 4, "\(findings)")
        #expect(errors.contains { $0.hasPrefix("token_file of t-2: ") && $0.contains("chmod 600") })
        #expect(errors.contains { $0.hasPrefix("gateways.gw.token_file: ") && $0.contains("chmod 600") })
        #expect(errors.contains { $0.hasPrefix("token_file of t-3 and 1 more: ") && $0.contains("does not exist") })
        #expect(errors.contains { $0.hasPrefix("platform.http.wechat-payscore.key_file: ") })
        #expect(findings.contains { !$0.isError && $0.text.contains("'gw-token' not checked") })

        try dir.writeSecret("gw-token", "tok-3\n")
        let withSystemd = CredentialCheck.findings(config, environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(!withSystemd.contains { $0.text.contains("gw-token") }, "\(withSystemd)")
    }

    @Test("--check-config loads the real platforms' keys and names what is wrong, never the key")
    func checkPlatformKeys() throws {
        let dir = try TestDirectory()
        let key = try RSASigningKey.generate()
        try dir.writeSecret("merchant.pem", key.pemRepresentation)
        try dir.writeSecret("public.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        try dir.writeSecret("apiv3", "too-short\n")
        try dir.writeSecret("app.pem", key.publicKey.pemRepresentation)
        try dir.writeSecret("alipay.pem", key.publicKey.pemRepresentation)
        let config = try ConfigParser.parse(
            yaml: """
                platform:
                  providers: {wechat-payscore: wechatpay-v3, alipay-credit: alipay-openapi}
                  wechatpay:
                    mchid: "1900000001"
                    appid: wx1
                    service_id: s
                    merchant_serial_no: ABC
                    private_key_file: "\(dir.file("merchant.pem"))"
                    public_key_id: PUB_KEY_ID_1
                    public_key_file: "\(dir.file("public.pem"))"
                    apiv3_key_file: "\(dir.file("apiv3"))"
                  alipay: {app_id: "2021", private_key_file: "\(dir.file("app.pem"))", alipay_public_key_file: "\(dir.file("alipay.pem"))"}
                """
        )
        let errors = CredentialCheck.findings(config, environment: [:]).filter(\.isError).map(\.text)
        #expect(errors.count == 3, "\(errors)")
        #expect(
            errors.contains {
                $0.hasPrefix("platform.wechatpay.public_key_file: ") && $0.contains("not an RSA public key")
            }
        )
        #expect(errors.contains { $0.hasPrefix("platform.wechatpay.apiv3_key_file: ") && $0.contains("32 printable") })
        #expect(errors.contains { $0.hasPrefix("platform.alipay.private_key_file: ") && $0.contains("another kind") })
        #expect(!errors.joined().contains("MII"), "no key material in the findings")
    }

    @Test("STATUS= stays one line whatever a rejected reload's message holds")
    func statusLine() {
        let line = StatusLine(
            terminals: 1,
            firing: 0,
            reload: "reload rejected: line 1: a\nSTATUS=b\u{1B}: unknown key",
            skipped: 0,
            dropped: 0,
            storeFailures: 0
        )
        #expect(!line.text.unicodeScalars.contains(where: ControlCharacters.isControl), "\(line.text)")
        #expect(line.text.contains("a STATUS=b"))
    }

    @Test("a control connection's peer is who the kernel says")
    func peerCredentials() throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        let peer = try #require(ControlPeer.of(fds[0]))
        #expect(peer.uid == getuid() && peer.gid == getgid() && peer.pid == getpid())
        let name = getpwuid(getuid())?.pointee.pw_name.map { String(cString: $0) }
        #expect(peer.user == name ?? String(getuid()))
        #expect(ControlPeer.userName(4_000_000_000) == "4000000000")
        #expect(ControlPeer.of(-1) == nil)
    }
}
