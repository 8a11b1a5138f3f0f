import Foundation
import PosrevokeControl

/// What may be removed at the control socket's path before binding it: only a socket nobody listens on.
enum SocketPath {
    /// Removes a stale socket left by a daemon that died. Anything else at `path` (a file, a directory, a link, a
    /// socket another process still answers on) is refused with an error, and left alone.
    static func removeStale(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw ControlError("cannot inspect the control socket path \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ControlError(
                "refusing to replace \(path): it is \(kind(info.st_mode)), not a socket; "
                    + "remove it by hand or give another --control-socket"
            )
        }
        if isListening(path) {
            throw ControlError(
                "refusing to replace \(path): another process is listening on it; "
                    + "stop it first or give another --control-socket"
            )
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw ControlError("cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The device and inode of the socket at `path` right after binding it, to know it again at the stop.
    static func identity(_ path: String) -> (dev_t, ino_t)? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return (info.st_dev, info.st_ino)
    }

    /// Unlinks `path` at the stop only when it is still the socket this daemon bound: whatever replaced it since
    /// (another daemon's socket, a file someone put there) stays.
    static func removeOwn(_ path: String, identity: (dev_t, ino_t)?) {
        guard let identity, let now = Self.identity(path), now == identity else { return }
        unlink(path)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO"
        case S_IFCHR, S_IFBLK: "a device"
        default: "something else"
        }
    }

    /// Whether something accepts connections on the socket at `path`.
    private static func isListening(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // Non-blocking, so a listener with a full backlog answers EAGAIN instead of holding start-up.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let connected = (try? UnixSocket.withAddress(path) { connect(fd, $0, $1) }) ?? -1
        return connected == 0 || errno == EAGAIN
    }
}
