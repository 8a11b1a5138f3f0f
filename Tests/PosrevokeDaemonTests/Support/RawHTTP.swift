import Foundation

/// One HTTP/1.1 exchange written byte for byte over a loopback TCP socket, so a test can send request lines no
/// HTTP client library would produce (`?=`, stray `%`, bare `&`).
enum RawHTTP {
    /// Sends `request` (with `Connection: close` added) to `base` (`http://127.0.0.1:PORT`) and returns the status
    /// code of the answer, or nil when the connection closed without one.
    static func status(_ base: String, _ requestLine: String, headers: [String] = [], body: String = "") -> Int? {
        exchange(base, requestLine, headers: headers, body: body)?.status
    }

    /// The status and body of the answer.
    static func exchange(
        _ base: String,
        _ requestLine: String,
        headers: [String] = [],
        body: String = ""
    )
        -> (status: Int, body: Data)?
    {
        guard let port = base.split(separator: ":").last.flatMap({ UInt16($0) }) else { return nil }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        var text = "\(requestLine)\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for header in headers { text += "\(header)\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            return nil
        }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            answer.append(contentsOf: buffer[0..<n])
        }
        // "HTTP/1.1 200 OK"
        let line = String(decoding: answer.prefix(while: { $0 != 0x0D }), as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else { return nil }
        let separator = Data("\r\n\r\n".utf8)
        let payload = answer.range(of: separator).map { answer[$0.upperBound...] } ?? Data()
        return (status, Data(payload))
    }
}
