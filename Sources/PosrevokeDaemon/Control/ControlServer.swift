import Dispatch
import Foundation
import PosrevokeControl

/// The daemon's unix control socket: mode 0660, owned by the service's group, and every peer's credentials
/// (`SO_PEERCRED`) checked: root, the service user, and members of the service group may talk to it.
final class ControlServer: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let source: any DispatchSourceRead
    private let handler: @Sendable (ControlRequest, ControlPeer?) -> ControlResponse
    private let workers = DispatchQueue(label: "posrevoke.control", attributes: .concurrent)

    init(path: String, handler: @escaping @Sendable (ControlRequest, ControlPeer?) -> ControlResponse) throws {
        self.path = path
        self.handler = handler
        // A bare file name lives in the working directory, which exists.
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw ControlError("cannot create the control socket: \(String(cString: strerror(errno)))")
        }
        let bound = try UnixSocket.withAddress(path) { bind(fd, $0, $1) }
        guard bound == 0, chmod(path, 0o660) == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            Foundation.close(fd)
            throw ControlError("cannot listen on \(path): \(reason)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: workers)
        source.setEventHandler { [unowned self] in self.acceptAll() }
        source.resume()
    }

    func close() {
        source.cancel()
        Foundation.close(fd)
        unlink(path)
    }

    private func acceptAll() {
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            workers.async { self.serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { Foundation.close(client) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        // The request is always read first, even from a peer about to be refused: closing on a client that is
        // still writing would cut it off with EPIPE before it could read why. Only a peer that may use the socket
        // may send a large request (a survey import).
        let refusal = Self.refusal(client)
        let request = readRequest(client, limit: refusal == nil ? 64 << 20 : 64 << 10)
        let response: ControlResponse
        if let refusal {
            response = .failure(refusal)
        } else if let request {
            response = handler(request, ControlPeer.of(client))
        } else {
            response = .failure("malformed request: expected one line of JSON")
        }
        guard var data = try? ControlCoding.encoder.encode(response) else { return }
        data.append(0x0A)
        _ = UnixSocket.writeAll(client, data)
    }

    private func readRequest(_ client: Int32, limit: Int) -> ControlRequest? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while data.count < limit {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.last == 0x0A { break }
        }
        return try? ControlCoding.decoder.decode(ControlRequest.self, from: data)
    }

    /// Why a peer may not use the socket, or nil when it may.
    static func refusal(_ client: Int32) -> String? {
        var credentials = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        guard getsockopt(client, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
            return "permission denied: cannot read the peer's credentials"
        }
        let group = getegid()
        if credentials.uid == 0 || credentials.uid == geteuid() || credentials.gid == group { return nil }
        if isMember(uid: credentials.uid, of: group) { return nil }
        return
            "permission denied: uid \(credentials.uid) is not root, the service user, or in group \(groupName(group))"
    }

    private static func isMember(uid: uid_t, of group: gid_t) -> Bool {
        guard let passwd = getpwuid(uid), let name = passwd.pointee.pw_name else { return false }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, passwd.pointee.pw_gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, passwd.pointee.pw_gid, &groups, &count) >= 0 else { return false }
        }
        return groups.prefix(Int(count)).contains(group)
    }

    private static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return String(gid) }
        return String(cString: name)
    }
}

/// `struct ucred` from <sys/socket.h> (only declared with _GNU_SOURCE, so not imported): pid, uid, gid.
private struct PeerCredentials {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
}
