import ArgumentParser
import Foundation
import NIOCore
import PosrevokeCore
import PosrevokeSimulation
import Synchronization

/// `posrevoke-sim`: the simulated fleet and payment platform behind real sockets. Every terminal of the config file
/// answers the terminal-agent protocol v1 at `http://HOST:PORT/t/{terminal}/v1/...` and its payment counters at
/// `/metrics/{terminal}`; with a signing key, the platform API answers at `/platform/{provider}/v3/payscore/...`;
/// with `--paxstore`, the PAXSTORE TMS's open API answers at `/tms/paxstore/v1/3rdsys/...`.
@main
struct PosrevokeSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posrevoke-sim",
        abstract: "Serve simulated terminals and a simulated payment platform over HTTP.",
        discussion: """
            Every terminal of the config file answers terminal-agent protocol v1 at /t/{terminal}/v1/... \
            (with --token-file, each demands "Authorization: Bearer TOKEN"); the scenario's agent_faults spoil \
            these answers only. Each terminal's payment counters are at /metrics/{terminal} in the Prometheus \
            text format. With --platform-key-file, the payment-platform API of wechat-payscore and alipay-credit \
            is served at /platform/{provider}/v3/payscore/..., shaped like WeChat Pay Score APIv3 and played by \
            the config's platform.simulation section; every request must be signed with that key \
            (POSREVOKE-HMAC-SHA256), with a timestamp within 300 s and a fresh nonce, or it is answered \
            401 SIGN_ERROR. Without the option those paths answer 404.

            With --paxstore DIR, PAXSTORE's third-party-system API is served at /tms/paxstore/v1/3rdsys/... for \
            the config's terminals (serial number: serial_no, or SN-{id}), played by simulation.tms: push tasks \
            that terminals apply after task_delay (a parameter push switches credit-score pay), a rate limit with \
            X-RateLimit-* headers, the key locked after 20 authentication failures, injected 429s, 500s and lost \
            answers. Requests are signed with the access key POSREVOKESIM0001 and the secret made (or kept) in \
            DIR/paxstore-secret; DIR/tms.yaml is the tms: section for posrevoked, and --inventory-out then names \
            tms: paxstore and serial_no for each terminal. GET /tms/paxstore/_stats answers its counters.

            When it listens it prints "posrevoke-sim ready: http://HOST:PORT (N terminals)", and the \
            --inventory-out file is written by then. It stops on SIGTERM or SIGINT and, with the platform on, \
            prints how many platform requests it answered with each status, one status and count per pair \
            (a 401 is a request refused for its signature); with --paxstore it prints \
            "posrevoke-sim: paxstore: {stats as JSON}".

            See docs/terminal-agent-protocol.md and docs/platform-api.md.
            """
    )

    @Option(name: .long, help: "A posrevoked config file: its simulation section and terminals are served.")
    var config: String

    @Option(name: .long, help: "Address to listen on, HOST:PORT (port 0 picks a free one).")
    var listen = "127.0.0.1:8470"

    @Option(name: .long, help: "File holding the bearer token terminals demand (default: none demanded).")
    var tokenFile: String?

    @Option(name: .long, help: "File holding the platform signing key; serves the platform API (default: off).")
    var platformKeyFile: String?

    @Option(
        name: .long,
        help: """
            Serve WeChat Pay APIv3 at /platform/wechatpay and the Alipay gateway at /platform/alipay, with keys \
            made (or kept) in this directory, which also gets platform.yaml and authorizations.csv for posrevoked.
            """
    )
    var realPlatforms: String?

    @Option(
        name: .long,
        help: """
            Serve the PAXSTORE TMS open API at /tms/paxstore, with its secret made (or kept) in this directory, \
            which also gets tms.yaml for posrevoked.
            """
    )
    var paxstore: String?

    @Flag(name: .long, help: "WeChat Pay signs with platform certificates instead of a public key.")
    var wechatpayCertificates = false

    @Option(name: .long, help: "Write the served terminals here as a posrevoked terminals file (driver: agent).")
    var inventoryOut: String?

    @Option(name: .long, help: "Keep the terminals' command state (methods, notices, updates) in this SQLite file.")
    var state: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --real-platforms: deliver WeChat Pay Pay Score callbacks to this URL (the daemon's callbacks.listen).",
            valueName: "url"
        )
    )
    var callbacksURL: String?

    @Option(name: .long, help: "With --callbacks-url: play the demo's callbacks, one every this many seconds.")
    var callbacksEvery: Double?

    func run() async throws {
        let settings: DaemonConfig
        do {
            settings = try ConfigParser.load(path: config)
        } catch {
            throw ValidationError(error.issues.map(\.description).joined(separator: "\n"))
        }
        let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        let token = try tokenFile.map { try Self.secret($0, .bearerToken) }
        let key = try platformKeyFile.map { try Self.secret($0, .signingKey) }
        let store = try SimulationStore(path: state)
        let fleet = SimulatedFleet(
            simulation: settings.simulation,
            terminals: settings.terminals,
            start: try store.fleetStart(orRecord: Date()),
            store: store
        )
        let simulated = SimulatedPlatform(settings: settings.platform.simulation, store: store)
        let platform = key.map {
            PlatformRoutes(platform: simulated, secret: $0, settings: settings.platform.simulation)
        }
        let keys: RealPlatformKeys?
        do {
            keys = try realPlatforms.map { try RealPlatformKeys(directory: $0) }
            try simulated.seedAuthorizations(
                stores: Array(Set(settings.terminals.map(\.store))),
                perStore: settings.platform.simulation.authorizationsPerStore
            )
        } catch {
            throw ValidationError("--real-platforms: \(error)")
        }
        let paxstoreFiles: PaxstoreFiles?
        do {
            paxstoreFiles = try paxstore.map { try PaxstoreFiles(directory: $0) }
        } catch {
            throw ValidationError("--paxstore: \(error)")
        }
        let simulatedPaxstore = paxstoreFiles.map {
            SimulatedPaxstore(
                simulation: settings.simulation,
                terminals: settings.terminals,
                fleet: fleet,
                accessKey: PaxstoreFiles.accessKey,
                secret: $0.secret
            )
        }
        let routes = SimRouter(
            agents: AgentRoutes(
                fleet: fleet,
                token: token,
                faults: settings.simulation.scenario.agentFaults,
                seed: settings.simulation.seed,
                platform: key != nil || keys != nil ? simulated : nil
            ),
            platform: platform,
            wechatPay: try keys.map {
                try WeChatPayRoutes(
                    keys: $0,
                    platform: simulated,
                    certificateMode: wechatpayCertificates,
                    settings: settings.platform.simulation,
                    bills: SimulatedTradeBill(
                        config: settings,
                        merchantID: RealPlatformKeys.merchantID,
                        appID: RealPlatformKeys.appID
                    )
                )
            },
            alipay: try keys.map {
                try AlipayRoutes(keys: $0, platform: simulated, settings: settings.platform.simulation)
            },
            metrics: MetricsRoutes(fleet: fleet),
            paxstore: simulatedPaxstore.map { PaxstoreRoutes(paxstore: $0) }
        )
        if let callbacksURL {
            guard let wechatPay = routes.wechatPay else {
                throw ValidationError("--callbacks-url needs --real-platforms")
            }
            wechatPay.callbacks.withLock { $0 = WeChatPayCallbacks(url: callbacksURL, routes: wechatPay) }
        }
        let certificateMode = wechatpayCertificates
        let authorizations = try simulated.authorizationsCSV()
        let signals = SignalStop()
        let inventoryOut = self.inventoryOut
        // The terminals file names the token by absolute path: the daemon reads it from elsewhere.
        let tokenFile = self.tokenFile.map {
            URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
        }
        let count = settings.terminals.count
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await SimServer(routes: routes).run(host: String(parts[0]), port: port) { address in
                    let base = "http://\(address.ipAddress ?? String(parts[0])):\(address.port ?? port)"
                    routes.wechatPay?.base.withLock { $0 = base }
                    if let keys {
                        do {
                            try keys.writeFragment(
                                base: base,
                                certificates: certificateMode,
                                authorizations: authorizations
                            )
                        } catch {
                            FileHandle.standardError.write(Data("cannot write the platform files: \(error)\n".utf8))
                        }
                    }
                    if let paxstoreFiles {
                        do {
                            try paxstoreFiles.writeFragment(base: base)
                        } catch {
                            FileHandle.standardError.write(Data("cannot write the PAXSTORE files: \(error)\n".utf8))
                        }
                    }
                    if let inventoryOut {
                        do {
                            try Inventory.yaml(
                                settings.terminals,
                                base: base,
                                tokenFile: tokenFile,
                                paxstore: paxstoreFiles != nil
                            )
                            .write(toFile: inventoryOut, atomically: true, encoding: .utf8)
                        } catch {
                            FileHandle.standardError.write(Data("cannot write \(inventoryOut): \(error)\n".utf8))
                        }
                    }
                    FileHandle.standardOutput.write(Data("posrevoke-sim ready: \(base) (\(count) terminals)\n".utf8))
                }
            }
            group.addTask { await signals.wait() }
            if let simulatedPaxstore {
                // Tasks take effect on time even when the daemon does not ask about them.
                group.addTask {
                    while true {
                        simulatedPaxstore.settle(now: Date())
                        try await Task.sleep(for: .seconds(1))
                    }
                }
            }
            if let every = callbacksEvery, every > 0, let sender = routes.wechatPay?.callbacks.withLock({ $0 }) {
                group.addTask {
                    await sender.play(every: .milliseconds(Int64(every * 1000)))
                    // The script is played once; the simulator goes on serving.
                    try await Task.sleep(for: .seconds(365 * 86400))
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
        if let sender = routes.wechatPay?.callbacks.withLock({ $0 }) { await sender.shutdown() }
        if let platform {
            let summary = """
                posrevoke-sim: platform answers by status: \(platform.summary)
                posrevoke-sim: platform answers lost after their effect: \(platform.lostCount)

                """
            FileHandle.standardOutput.write(Data(summary.utf8))
        }
        if let simulatedPaxstore {
            let line = "posrevoke-sim: paxstore: \(simulatedPaxstore.statsJSON(now: Date()))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }

    /// A credential file by path, held to the daemon's rules: private to its owner, at most 64 KiB, a valid value.
    private static func secret(_ path: String, _ kind: CredentialKind) throws -> String {
        do {
            return try CredentialFile.read(path, kind: kind, checkPermissions: true)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

/// Waits for SIGTERM or SIGINT.
final class SignalStop: Sendable {
    private let stream: AsyncStream<Void>
    /// Only kept alive; the lock is what lets the compiler see that nothing else touches them.
    private let sources: Mutex<[any DispatchSourceSignal]>

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        self.stream = stream
        sources = Mutex(Self.install(continuation))
    }

    private static func install(_ continuation: AsyncStream<Void>.Continuation) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { signo in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
    }

    func wait() async {
        for await _ in stream { return }
    }
}

/// The served terminals as a posrevoked terminals file.
enum Inventory {
    /// `paxstore`: each terminal is also named in the simulated PAXSTORE, by its serial number.
    static func yaml(_ terminals: [Terminal], base: String, tokenFile: String?, paxstore: Bool = false) -> String {
        var lines = [
            "# Written by posrevoke-sim: its terminals, reached over HTTP. Name this file in",
            "# terminals_file: of a posrevoked config.",
        ]
        for terminal in terminals {
            var fields = [
                "id: \(terminal.id)", "store: \(terminal.store)", "driver: agent", "url: \"\(base)/t/\(terminal.id)\"",
            ]
            // The simulator only speaks plain HTTP: a token sent to it crosses the wire unencrypted, on purpose.
            if let tokenFile { fields += ["token_file: \"\(tokenFile)\"", "allow_plain_http: true"] }
            if !terminal.tags.isEmpty { fields.append("tags: [\(terminal.tags.joined(separator: ", "))]") }
            if let device = terminal.deviceInfo { fields.append("device_info: \(device)") }
            if paxstore {
                fields += ["tms: paxstore", "serial_no: \"\(SimulatedPaxstore.serialNo(of: terminal))\""]
            }
            let providers = terminal.providers.sorted { $0.key < $1.key }.map { provider, state in
                let cutover = state.cutover.map { ", cutover: \($0.formatted(.iso8601))" } ?? ""
                return "\(provider.rawValue): {state: \(state.state.rawValue)\(cutover)}"
            }
            fields.append("providers: {\(providers.joined(separator: ", "))}")
            lines.append("- {\(fields.joined(separator: ", "))}")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
