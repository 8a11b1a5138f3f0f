import PosrevokeCore
import Testing

@Suite("PAXSTORE in the config")
struct TMSConfigTests {
    static let account = """
        tms:
          paxstore:
            base_url: https://api.whatspos.com/p-market-api/
            api_key: ABCDEFGHIJ
            api_secret_file: paxstore-secret
            package_name: com.example.pos
            parameters:
              wechat-payscore: {template: pay.xml, pid: "payscore.enabled", off: "false", on: "true"}
            plugin_packages: {wechat-payscore: com.example.payscore.plugin}

        """

    func problems(_ yaml: String) -> String {
        do {
            _ = try ConfigParser.parse(yaml: yaml)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func theAccountAndTheTerminalsAreRead() throws {
        let config = try ConfigParser.parse(
            yaml: Self.account + """
                terminals:
                  - {id: pos-1, store: gz-01, driver: agent, url: "https://pos-1:8443", tms: paxstore, serial_no: "1170012345"}
                  - {id: pos-2, store: gz-01, driver: tms, tms: paxstore, serial_no: "1170012346", poll_interval: 10m}
                """
        )
        let account = try #require(config.tms.paxstore)
        #expect(account.baseURL == "https://api.whatspos.com/p-market-api")
        #expect(
            account.parameters[.wechatPayscore]
                == PaxstoreParameter(template: "pay.xml", pid: "payscore.enabled", off: "false", on: "true")
        )
        #expect(account.pluginPackages[.wechatPayscore] == "com.example.payscore.plugin")
        #expect(account.appVersion == nil && account.rateLimit == 3000)
        #expect(config.terminals.map(\.serialNo) == ["1170012345", "1170012346"])
        #expect(config.terminals.map(\.tms) == ["paxstore", "paxstore"])
    }

    @Test func whatIsMissingOrWrongIsNamed() {
        let terminal = "terminals:\n  - {id: p, store: s, tms: paxstore, serial_no: \"1\"}\n"
        #expect(problems(terminal).contains("tms.paxstore: is required: terminal 'p' names tms: paxstore"))
        #expect(
            problems("terminals:\n  - {id: p, store: s, tms: paxstore}\n").contains("serial_no: is required with tms")
        )
        #expect(
            problems("terminals:\n  - {id: p, store: s, tms: vhq, serial_no: \"1\"}\n").contains("unknown TMS 'vhq'")
        )
        #expect(
            problems(Self.account + "terminals:\n  - {id: p, store: s, driver: tms, serial_no: \"1\"}\n").contains(
                "tms: is required for driver: tms"
            )
        )
        #expect(problems("tms: {paxstore: {api_key: K}}").contains("base_url: is required"))
        #expect(problems("tms: {paxstore: {api_key: K}}").contains("api_secret_file: is required"))
        let wrong = Self.account.replacingOccurrences(of: "ABCDEFGHIJ", with: "AB CD")
        #expect(problems(wrong).contains("api_key: must be"))
        let same = Self.account.replacingOccurrences(of: "on: \"true\"", with: "on: \"false\"")
        #expect(problems(same).contains("must differ from off"))
        let credentials = Self.account.replacingOccurrences(of: "https://api", with: "https://u:p@api")
        #expect(problems(credentials).contains("must not carry user info"))
        #expect(
            problems(Self.account.replacingOccurrences(of: "wechat-payscore: {template", with: "huabei: {template"))
                .contains("unknown provider")
        )
    }

    /// Terminals known only to the TMS are polled through it: their polls must fit in half the key's budget.
    @Test func tmsOnlyPollsMustFitTheBudget() {
        let many = (1...100).map {
            "  - {id: p\($0), store: s, driver: tms, tms: paxstore, serial_no: \"\($0)\", poll_interval: 10s}"
        }
        #expect(problems(Self.account + "terminals:\n" + many.joined(separator: "\n") + "\n").contains("poll_interval"))
        let fewer = (1...100).map {
            "  - {id: p\($0), store: s, driver: tms, tms: paxstore, serial_no: \"\($0)\", poll_interval: 60s}"
        }
        #expect(problems(Self.account + "terminals:\n" + fewer.joined(separator: "\n") + "\n") == "")
    }
}
