import Foundation
import PosrevokeCore
import PosrevokeSimulation

/// `/metrics/{terminal}`: each simulated terminal's payment counters in the Prometheus text format, so that a
/// Prometheus server can watch the same fleet the daemon polls (the benchmark's side-by-side mode).
struct MetricsRoutes: Sendable {
    let fleet: SimulatedFleet

    func handle(uri: String, now: Date) -> SimReply {
        let terminal = String(SimRouter.split(uri).0.dropFirst("/metrics/".count))
        let totals: [TransactionTotal: Int]
        do {
            totals = try fleet.totals(of: terminal, now: now)
        } catch {
            return SimReply(status: 0, body: Data(), fault: nil)
        }
        var text = """
            # HELP pos_payments_total Payments taken by the terminal.
            # TYPE pos_payments_total counter

            """
        for (key, count) in totals.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let provider = key.provider ?? ""
            text += "pos_payments_total{method=\"\(key.method.rawValue)\",provider=\"\(provider)\","
            text += "outcome=\"\(key.outcome.rawValue)\"} \(count)\n"
        }
        let enabled = (try? fleet.status(of: terminal, now: now).paymentMethods) ?? []
        text += "# HELP pos_payment_method_enabled Whether the terminal accepts the method.\n"
        text += "# TYPE pos_payment_method_enabled gauge\n"
        for method in enabled {
            text +=
                "pos_payment_method_enabled{method=\"\(method.method.rawValue)\",provider=\"\(method.provider ?? "")\"} "
            text += method.enabled ? "1\n" : "0\n"
        }
        return SimReply(status: 200, body: Data(text.utf8), fault: nil, contentType: "text/plain; version=0.0.4")
    }
}
