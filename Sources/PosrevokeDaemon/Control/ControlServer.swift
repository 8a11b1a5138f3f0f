import Dispatch
import Foundation
package import PosrevokeControl
import PosrevokeCore
import Synchronization

/// The daemon's unix control socket: mode 0660, owned by the service's group, and every peer's credentials
/// (`SO_PEERCRED`) checked: root, the service user, and members of the service group may talk to it.
///
/// Nothing a client does can hold the server: at most `maxConnections` are served at once (more are answered
/// "busy" and closed at once), the whole request must arrive within `requestTimeout` and the whole answer be taken
/// within `answerTimeout`, a request is at most `maxRequestBytes`, only one request larger than
/// `largeRequestBytes` is read at a time, and a failing `accept` (out of file descriptors) backs off instead of
/// spinning.
package final class ControlServer: Sendable {
    package struct Limits: Sendable {
        package var maxConnections = ControlLimits.maxConnections
        package var maxRequestBytes = ControlLimits.maxRequestBytes
        package var largeRequestBytes = ControlLimits.largeRequestBytes
        package var requestTimeout = ControlLimits.requestTimeout
        package var answerTimeout = ControlLimits.answerTimeout
        /// How long accepting pauses after `accept` failed for lack of resources.
        package var acceptBackoff: Duration = .milliseconds(200)
        /// `accept(2)` on the listening socket: a seam, so a test can make it fail as it does out of descriptors.
        package var accept: @Sendable (Int32) -> Int32 = acceptConnection
        package init() {}
    }

    /// What the server did with its connections so far, for tests and status.
    package struct Counters: Sendable, Equatable {
        package var served = 0
        package var refusedBusy = 0
        package var timedOut = 0
        package var tooLarge = 0
        package var acceptFailures = 0
        package var open = 0
        package var largeInFlight = false
    }

    let path: String
    /// The bound socket's device and inode: the stop removes that socket and nothing else.
    private let identity: (dev_t, ino_t)?
    private let fd: Int32
    let limits: Limits
    private let handler: @Sendable (ControlRequest, ControlPeer?) -> ControlResponse
    private let workers = DispatchQueue(label: "posrevoke.control", attributes: .concurrent)
    private let acceptor = DispatchQueue(label: "posrevoke.control.accept")
    let state = Mutex(Counters())
    /// The accepting side, used on `acceptor` only; behind a lock so the compiler can see that.
    private let accepting: Mutex<Accepting>

    private struct Accepting {
        let source: any DispatchSourceRead
        /// Accepting is paused after `accept` failed for lack of resources.
        var backingOff = false
    }

    package init(
        path: String,
        limits: Limits = Limits(),
        handler: @escaping @Sendable (ControlRequest, ControlPeer?) -> ControlResponse
    ) throws {
        self.path = path
        self.limits = limits
        self.handler = handler
        // A bare file name lives in the working directory, which exists.
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try SocketPath.removeStale(path)
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
        identity = SocketPath.identity(path)
        self.fd = fd
        accepting = Mutex(Accepting(source: DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptor)))
        accepting.withLock {
            $0.source.setEventHandler { [unowned self] in self.acceptAll() }
            $0.source.resume()
        }
    }

    package var counters: Counters { state.withLock { $0 } }

    package func close() {
        acceptor.checkedSync {
            accepting.withLock {
                if $0.backingOff { $0.source.resume() }
                $0.backingOff = false
                $0.source.cancel()
            }
        }
        Foundation.close(fd)
        SocketPath.removeOwn(path, identity: identity)
    }

    private func acceptAll() {
        dispatchPrecondition(condition: .onQueue(acceptor))
        while !accepting.withLock({ $0.backingOff }) {
            let client = limits.accept(fd)
            guard client >= 0 else {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                default:
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM: the pending connection stays queued and the socket stays
                    // readable, so retrying now would spin. Pause accepting for a while instead.
                    state.withLock { $0.acceptFailures += 1 }
                    accepting.withLock {
                        $0.backingOff = true
                        $0.source.suspend()
                    }
                    acceptor.asyncAfter(deadline: .now() + .nanoseconds(Int(limits.acceptBackoff.nanoseconds))) {
                        [weak self] in
                        self?.accepting.withLock {
                            guard $0.backingOff, !$0.source.isCancelled else { return }
                            $0.backingOff = false
                            $0.source.resume()
                        }
                    }
                    return
                }
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let admitted = state.withLock { counters in
                guard counters.open < limits.maxConnections else {
                    counters.refusedBusy += 1
                    return false
                }
                counters.open += 1
                return true
            }
            if admitted {
                workers.async { self.serve(client) }
            } else {
                Self.refuseBusy(client, open: limits.maxConnections)
            }
        }
    }

    /// Answers a connection over the cap without waiting for anything: what the client already sent is
    /// discarded, the answer is written only if it fits the socket buffer, and the connection closed.
    private static func refuseBusy(_ client: Int32, open: Int) {
        defer { Foundation.close(client) }
        _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<16 where read(client, &buffer, buffer.count) > 0 {}
        let response = ControlResponse.failure(
            "busy: the daemon is already serving \(open) control connections; try again in a moment"
        )
        guard var data = try? ControlCoding.encoder.encode(response) else { return }
        data.append(0x0A)
        _ = data.withUnsafeBytes { raw in
            raw.baseAddress.map { send(client, $0, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        }
    }

    private func serve(_ client: Int32) {
        // Set once this connection holds the one large-request slot; kept until its answer is written, since
        // the request's memory lives that long.
        var large = false
        defer {
            Foundation.close(client)
            state.withLock {
                $0.open -= 1
                if large { $0.largeInFlight = false }
            }
        }
        let requestDeadline = ContinuousClock.now.advanced(by: limits.requestTimeout)
        // The request is always read first, even from a peer about to be refused: closing on a client that is
        // still writing would cut it off with EPIPE before it could read why. Only a peer that may use the socket
        // may send a large request (a survey import).
        let refusal = ControlPeer.refusal(client)
        let limit =
            refusal == nil
            ? limits.maxRequestBytes : min(limits.maxRequestBytes, ControlLimits.maxRefusedRequestBytes)
        let read = readRequest(client, limit: limit, deadline: requestDeadline, large: &large)
        let response: ControlResponse
        if let refusal {
            response = .failure(refusal)
        } else {
            switch read {
            case .request(let request):
                response = handler(request, ControlPeer.of(client))
                state.withLock { $0.served += 1 }
            case .malformed:
                response = .failure("malformed request: expected one line of JSON")
            case .timedOut:
                state.withLock { $0.timedOut += 1 }
                response = .failure(
                    "request timed out: the whole request must arrive within "
                        + "\(DurationText.format(limits.requestTimeout))"
                )
            case .tooLarge:
                state.withLock { $0.tooLarge += 1 }
                response = .failure(
                    "request too large: a control request is at most \(Self.size(limits.maxRequestBytes)) "
                        + "(split a feedback import into smaller files)"
                )
            case .busy:
                state.withLock { $0.refusedBusy += 1 }
                response = .failure(
                    "busy: another large request (an import) is being read; try again in a moment"
                )
            }
        }
        guard var data = try? ControlCoding.encoder.encode(response) else { return }
        data.append(0x0A)
        _ = UnixSocket.writeAll(client, data, deadline: ContinuousClock.now.advanced(by: limits.answerTimeout))
    }

    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes >> 10) KiB"
    }
}

/// `accept(2)` without the peer's address, the server's default.
private func acceptConnection(_ fd: Int32) -> Int32 { accept(fd, nil, nil) }
