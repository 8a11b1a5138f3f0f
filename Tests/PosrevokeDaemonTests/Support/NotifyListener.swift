import Foundation
import Synchronization

/// A datagram socket standing in for systemd's `NOTIFY_SOCKET`, recording every message with its arrival time.
final class NotifyListener: Sendable {
    let path: String
    private let fd: Int32
    private let inbox = Inbox()

    private final class Inbox: Sendable {
        let received = Mutex<[(at: Date, text: String)]>([])
        let closed = Mutex(false)
    }

    init(directory: TestDirectory, name: String = "notify.sock") throws {
        path = directory.file(name)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            path.utf8CString.withUnsafeBytes { raw.copyMemory(from: $0) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind(\(path)) failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [fd, inbox] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !inbox.closed.withLock({ $0 }) {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { continue }
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                inbox.received.withLock { $0.append((Date(), text)) }
            }
            close(fd)
        }
        thread.start()
    }

    var messages: [(at: Date, text: String)] { inbox.received.withLock { $0 } }

    /// Waits for a message after index `from` that satisfies `predicate`; returns it and its index.
    func wait(from: Int = 0, timeout: TimeInterval, _ predicate: (String) -> Bool) -> (index: Int, text: String)? {
        var found: (Int, String)?
        _ = eventually(timeout: timeout, interval: 0.01) {
            let all = messages
            if let index = all.indices.dropFirst(from).first(where: { predicate(all[$0].text) }) {
                found = (index, all[index].text)
            }
            return found != nil
        }
        return found
    }

    deinit { inbox.closed.withLock { $0 = true } }
}
