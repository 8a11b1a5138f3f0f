import Foundation
import Synchronization

/// A loopback HTTP/1.1 server whose answers a test scripts, one request per connection, recording every request
/// with its arrival time: a stand-in for a platform that must answer something no simulator says.
final class ScriptedHTTPServer: Sendable {
    struct Request: Sendable {
        var at: Date
        var method: String
        var path: String
        var body: String
    }
    struct Answer: Sendable {
        var status: Int
        var headers: [String] = []
        var body: String
    }
    /// Answers `request`, the `count`-th (from 1) with its method and path.
    typealias Script = @Sendable (_ request: Request, _ count: Int) -> Answer

    let base: String
    private let state = State()

    private final class State: Sendable {
        let requests = Mutex<[Request]>([])
        let closed = Mutex(false)
    }

    init(_ script: @escaping Script) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw HarnessError("bind/listen on 127.0.0.1 failed: errno \(errno)")
        }
        base = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        // accept() wakes every 100 ms to see whether the test is done.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [state] in
            while !state.closed.withLock({ $0 }) {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                Self.serve(client, state: state, script: script)
                close(client)
            }
            close(fd)
        }
        thread.start()
    }

    var requests: [Request] { state.requests.withLock { $0 } }

    func stop() { state.closed.withLock { $0 = true } }

    private static func serve(_ client: Int32, state: State, script: Script) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var expected: Int?
        while bytes.count < 1 << 20 {
            let n = recv(client, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            bytes += buffer[0..<n]
            guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { continue }
            if expected == nil {
                let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                expected = end + (length ?? 0)
            }
            if let expected, bytes.count >= expected { break }
        }
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { return }
        let line = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return }
        let request = Request(
            at: Date(),
            method: String(parts[0]),
            path: String(parts[1]),
            body: String(decoding: bytes[end...], as: UTF8.self)
        )
        let count = state.requests.withLock {
            $0.append(request)
            return $0.filter { $0.method == request.method && $0.path == request.path }.count
        }
        let answer = script(request, count)
        var text = "HTTP/1.1 \(answer.status) Scripted\r\nConnection: close\r\nContent-Type: application/json\r\n"
        for header in answer.headers { text += "\(header)\r\n" }
        text += "Content-Length: \(answer.body.utf8.count)\r\n\r\n\(answer.body)"
        let out = Array(text.utf8)
        _ = out.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
