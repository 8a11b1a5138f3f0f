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
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ControlClientError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            throw ControlClientError("cannot connect to \(path): \(reason) (is posrevoked running, and are you in its group?)")
        }
        var line = try ControlCoding.encoder.encode(request)
        line.append(0x0A)
        try line.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                guard n > 0 else { throw ControlClientError("write to \(path) failed: \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { throw ControlClientError("no answer from \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.last == 0x0A { break }
        }
        guard !data.isEmpty else { throw ControlClientError("the daemon closed the connection without answering") }
        return try ControlCoding.decoder.decode(ControlResponse.self, from: data)
    }
}

/// The control socket could not be used.
public struct ControlClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
