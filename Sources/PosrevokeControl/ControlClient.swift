public import Foundation

/// Talks to the daemon over its unix control socket: one request, one response, one connection.
public struct ControlClient: Sendable {
    public let path: String
    public var timeout: TimeInterval

    public init(path: String, timeout: TimeInterval = 30) {
        self.path = path
        self.timeout = timeout
    }

    /// Sends `request` and waits for the answer.
    public func send(_ request: ControlRequest) throws -> ControlResponse {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControlClientError("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let connected = try UnixSocket.withAddress(path) { connect(fd, $0, $1) }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            throw ControlClientError(
                "cannot connect to \(path): \(reason) (is posrevoked running, and are you in its group?)"
            )
        }
        var line = try ControlCoding.encoder.encode(request)
        line.append(0x0A)
        guard line.count <= ControlLimits.maxRequestBytes else {
            throw ControlClientError(
                "the request is \(line.count >> 20) MiB, over the control socket's limit of "
                    + "\(ControlLimits.maxRequestBytes >> 20) MiB"
            )
        }
        let written = UnixSocket.writeAll(fd, line)
        let writeError = errno
        guard written || writeError == EPIPE || writeError == ECONNRESET else {
            throw ControlClientError("write to \(path) failed: \(String(cString: strerror(writeError)))")
        }
        // A daemon that refused the request (busy, too large, too slow) answers and closes before reading all
        // of it; its answer is still there to read.
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 && !written && data.isEmpty { break }
            if n < 0 { throw ControlClientError("no answer from \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.last == 0x0A { break }
        }
        guard !data.isEmpty else {
            if !written {
                throw ControlClientError("write to \(path) failed: \(String(cString: strerror(writeError)))")
            }
            throw ControlClientError("the daemon closed the connection without answering")
        }
        return try ControlCoding.decoder.decode(ControlResponse.self, from: data)
    }
}

/// The control socket could not be used.
public struct ControlClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
