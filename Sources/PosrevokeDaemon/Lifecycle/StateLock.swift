import Foundation

/// One daemon per state directory: an exclusive `flock` on `<state>/posrevoked.lock`, held for the life of the
/// process (the kernel releases it when the process ends, however it ends). The holder's pid is written into the
/// file so that a second daemon can say who holds it.
final class StateLock: Sendable {
    static let fileName = "posrevoked.lock"
    let path: String
    private let fd: Int32

    /// Takes the lock, or throws at once (never waits) naming the process that holds it.
    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            if errno == EROFS {
                throw StateLockError(
                    "the state directory \(directory) is read-only: posrevoked keeps its database, backups and lock "
                        + "there and must write to it; make it writable (remount it read-write) or give another "
                        + "--state-dir"
                )
            }
            throw StateLockError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder = Self.holder(fd)
            Foundation.close(fd)
            guard reason == EWOULDBLOCK else {
                throw StateLockError("cannot lock \(path): \(String(cString: strerror(reason)))")
            }
            let who = holder.map { "posrevoked (pid \($0))" } ?? "another posrevoked"
            throw StateLockError(
                "\(who) already runs with the state directory \(directory) (it holds \(path)); "
                    + "only one daemon may use a state directory: stop that one first, or give this one "
                    + "another --state-dir"
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, pid, pid.count, 0) == pid.count else {
            let reason = String(cString: strerror(errno))
            Foundation.close(fd)
            throw StateLockError("cannot write the pid into \(path): \(reason)")
        }
        self.fd = fd
    }

    /// The pid written by the holder, when it is a plausible one.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text), pid > 0 else { return nil }
        return pid
    }

    deinit { Foundation.close(fd) }
}

/// The state directory is in use by another daemon, or its lock file cannot be used.
struct StateLockError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
