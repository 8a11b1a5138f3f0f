import Foundation
import PosrevokeControl
import PosrevokeCore
import Testing

/// The platform's `Retry-After` on the production path: a platform that asks for time gets it, whether the wait is
/// short enough to sit out within the call or long enough that the job has to come back later.
@Suite("Platform Retry-After", .serialized)
struct RetryAfterTests {
    static let orders = "/platform/v3/payscore/serviceorder"
    static let applications = "/platform/v3/payscore/deactivation-applications"

    /// The first order list is refused with `Retry-After: 2`, the first application with `Retry-After: 12`;
    /// everything after that is accepted, and the review stays pending.
    static func answer(_ request: ScriptedHTTPServer.Request, _ count: Int) -> ScriptedHTTPServer.Answer {
        let limited = #"{"code":"FREQUENCY_LIMITED","message":"frequency limited, slow down"}"#
        switch (request.method, request.path.split(separator: "?").first.map(String.init) ?? "") {
        case ("GET", orders):
            return count == 1
                ? .init(status: 429, headers: ["Retry-After: 2"], body: limited)
                : .init(status: 200, body: #"{"data":[]}"#)
        case ("POST", applications):
            return count == 1
                ? .init(status: 429, headers: ["Retry-After: 12"], body: limited)
                : .init(status: 200, body: #"{"application_id":"app-1","state":"SUBMITTED"}"#)
        case ("GET", applications + "/app-1"):
            return .init(status: 200, body: #"{"application_id":"app-1","state":"UNDER_REVIEW"}"#)
        default:
            return .init(status: 404, body: #"{"code":"NOT_FOUND","message":"not scripted"}"#)
        }
    }

    @Test(
        "a short Retry-After is sat out within the call, a long one by the job; never sooner",
        .timeLimit(.minutes(2))
    )
    func honoured() throws {
        let dir = try TestDirectory()
        let platform = try ScriptedHTTPServer(Self.answer)
        defer { platform.stop() }
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 2s}
            simulation: {seed: 3, transactions_per_minute: 6, scenario: {peripheral_share: 0}}
            platform:
              providers: {wechat-payscore: http}
              http:
                wechat-payscore:
                  url: "\(platform.base)/platform"
                  merchant_id: "1900000001"
                  service_id: svc-test
                  appid: wx-test
                  key_file: "\(try dir.writeSecret("platform.key", "shared-secret\n"))"
            plans:
              - {id: wait, providers: [wechat-payscore], waves: {canary: 1, size: 1, soak: 1s}, watch: 3s, gate: {blocking_alerts: []}, retry: {initial_backoff: 200ms, max_backoff: 1s, max_attempts: 5}}
            terminals:
              - {id: t-1, store: s-1, providers: {wechat-payscore: {state: active}}}

            """
        )
        let daemon = try DaemonProcess.console(config: config, in: dir)
        func calls(_ method: String, _ path: String) -> [ScriptedHTTPServer.Request] {
            platform.requests.filter { $0.method == method && ($0.path == path || $0.path.hasPrefix(path + "?")) }
        }
        let submitted = eventually(timeout: 60, interval: 0.2) { calls("POST", Self.applications).count >= 2 }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 20) == 0)
        #expect(submitted, "the application was not sent again; log:\n\(daemon.log.suffix(3000))")

        let lists = calls("GET", Self.orders)
        #expect(lists.count == 2, "order lists: \(lists.map(\.path))")
        if lists.count >= 2 {
            // The call's own backoff would have come back after 0.5 s; the job's after 0.2 s.
            let gap = lists[1].at.timeIntervalSince(lists[0].at)
            #expect(gap >= 1.95 && gap < 10, "the order list came back after \(gap) s, asked for 2 s")
        }
        let submits = calls("POST", Self.applications)
        if submits.count >= 2 {
            let gap = submits[1].at.timeIntervalSince(submits[0].at)
            #expect(gap >= 11.95, "the application came back after \(gap) s, asked for 12 s")
            #expect(submits[0].body == submits[1].body, "a retry must carry the same request key and body")
        }
        #expect(submits.count == 2, "applications sent: \(submits.count)")
        #expect(daemon.log.contains("retrying in 12s as the platform asked"), "log:\n\(daemon.log.suffix(3000))")
        #expect(!daemon.log.contains("cancel-orders retrying"), "the short wait must not reach the job's retries")
    }
}
