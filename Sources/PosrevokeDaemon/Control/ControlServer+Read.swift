import Foundation
import PosrevokeControl

/// Reading one request: a line of JSON, bounded in time and size.
extension ControlServer {
    enum ReadOutcome {
        case request(ControlRequest)
        case malformed
        case timedOut
        case tooLarge
        case busy
    }

    /// Reads one line of JSON, all of it before `deadline`, at most `limit` bytes. Only one connection at a time
    /// may hold more than `largeRequestBytes` in memory.
    func readRequest(
        _ client: Int32,
        limit: Int,
        deadline: ContinuousClock.Instant,
        large: inout Bool
    ) -> ReadOutcome {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            guard UnixSocket.setTimeout(client, SO_RCVTIMEO, until: deadline) else { return .timedOut }
            let n = read(client, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .malformed
            }
            if n == 0 { break }
            if let newline = buffer[0..<n].firstIndex(of: 0x0A) {
                data.append(contentsOf: buffer[0..<newline])
                break
            }
            data.append(contentsOf: buffer[0..<n])
            if data.count > limit { return .tooLarge }
            if data.count > limits.largeRequestBytes && !large {
                let taken = state.withLock { counters in
                    guard !counters.largeInFlight else { return false }
                    counters.largeInFlight = true
                    return true
                }
                guard taken else { return .busy }
                large = true
            }
        }
        if data.count > limit { return .tooLarge }
        guard let request = try? ControlCoding.decoder.decode(ControlRequest.self, from: data) else {
            return .malformed
        }
        return .request(request)
    }
}
