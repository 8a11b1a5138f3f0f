package import Foundation

/// The two pieces of unix-socket plumbing the client and the daemon's server share.
package enum UnixSocket {
    /// A `sockaddr_un` for `path`, or an error when the path does not fit.
    private static func address(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ControlClientError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Calls `body` with the address as the `sockaddr` pointer and length that bind/connect take.
    package static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) throws -> T {
        var address = try address(path)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Writes all of `data` to a socket; false when the peer went away first, or when `deadline` passed before
    /// everything was written (one deadline for the whole write, however slowly the peer reads).
    package static func writeAll(_ fd: Int32, _ data: Data, deadline: ContinuousClock.Instant? = nil) -> Bool {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                if let deadline {
                    guard setTimeout(fd, SO_SNDTIMEO, until: deadline) else { return false }
                }
                // MSG_NOSIGNAL: a peer that went away is an error to report, not a SIGPIPE that kills the process.
                let n = send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// Sets `SO_RCVTIMEO` or `SO_SNDTIMEO` to the time left until `deadline` (at least 1 ms); false once it passed.
    package static func setTimeout(_ fd: Int32, _ option: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return false }
        let (seconds, attoseconds) = left.components
        let whole = min(seconds, 86400) * 1_000_000
        let micros = max(1000, whole + attoseconds / 1_000_000_000_000)
        var tv = timeval(tv_sec: Int(micros / 1_000_000), tv_usec: Int(micros % 1_000_000))
        return setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size)) == 0
    }
}

/// The bounds of the control socket, shared by the daemon (which enforces them) and posrevokectl (which checks the
/// size before sending, so an operator gets a clear answer instead of a cut connection).
public enum ControlLimits {
    /// One request, as sent (a `feedback import` is the largest: about 50,000 rows with short comments).
    public static let maxRequestBytes = 16 << 20
    /// Requests from peers that may not use the socket are read only this far, to answer why.
    public static let maxRefusedRequestBytes = 64 << 10
    /// Requests above this size (imports, plan files) are read one at a time; others wait for a "busy" answer.
    public static let largeRequestBytes = 1 << 20
    /// Connections served at once; more are answered "busy" at once and closed.
    public static let maxConnections = 8
    /// The whole request must arrive within this time of the connection being accepted.
    public static let requestTimeout: Duration = .seconds(10)
    /// The whole answer must be taken by the client within this time.
    public static let answerTimeout: Duration = .seconds(10)
}
