import Foundation

/// Who is at the other end of a control connection, as the kernel says (`SO_PEERCRED`), never as the client says.
///
/// Audit entries, acknowledgements and plan events name the peer by this: a request's own claims (`$USER`, a `by`
/// argument) are not trusted.
package struct ControlPeer: Sendable, Equatable {
    package var pid: Int32
    package var uid: UInt32
    package var gid: UInt32
    /// The uid's name in the user database, or the uid as digits when it has none.
    package var user: String

    /// `user (uid N)`, as plan events and acknowledgements record it.
    package var label: String { "\(user) (uid \(uid))" }

    /// The credentials of the peer of a connected unix socket, or nil when the kernel does not give them.
    package static func of(_ socket: Int32) -> ControlPeer? {
        var credentials = UCred()
        var length = socklen_t(MemoryLayout<UCred>.size)
        guard getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0,
            length == socklen_t(MemoryLayout<UCred>.size)
        else { return nil }
        return ControlPeer(
            pid: credentials.pid,
            uid: credentials.uid,
            gid: credentials.gid,
            user: userName(credentials.uid)
        )
    }

    /// `getpwuid_r`: the control server serves connections on several threads at once.
    package static func userName(_ uid: UInt32) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let name = buffer.withUnsafeMutableBufferPointer { storage -> String? in
            guard let base = storage.baseAddress else { return nil }
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            guard getpwuid_r(uid, &entry, base, storage.count, &result) == 0, result != nil,
                let name = entry.pw_name
            else { return nil }
            return String(cString: name)
        }
        return name ?? String(uid)
    }
}

/// `struct ucred` from <sys/socket.h> (only declared with _GNU_SOURCE, so not imported): pid, uid, gid.
private struct UCred {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
}

/// Who may use the control socket.
extension ControlPeer {
    /// Why a peer may not use the socket, or nil when it may.
    /// Root, the service user and members of the service group may; the client's own claims do not count.
    static func refusal(_ client: Int32) -> String? {
        var credentials = UCred()
        var length = socklen_t(MemoryLayout<UCred>.size)
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
