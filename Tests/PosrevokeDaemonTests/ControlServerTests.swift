import Foundation
import PosrevokeControl
import PosrevokeDaemon
import Synchronization
import Testing

/// The control server on a real unix socket: no client, however slow, large or numerous, holds it.
@Suite("Control server limits on a real unix socket", .serialized)
struct ControlServerTests {
    /// A raw client: connects, and writes what it is told to, when it is told to.
    final class RawClient: Sendable {
        let fd: Int32

        init(_ path: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                let bytes = Array(path.utf8)
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard connected == 0 else { throw HarnessError("cannot connect to \(path)") }
            var tv = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }

        @discardableResult
        func write(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }

        /// Everything the server writes until it closes (or 10 s pass), decoded as its one-line answer.
        func answer() -> ControlResponse? {
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            return try? ControlCoding.decoder.decode(ControlResponse.self, from: data)
        }

        deinit { close(fd) }
    }

    /// Counts the requests the handler saw.
    final class Handled: Sendable {
        let count = Mutex(0)
    }

    func makeServer(
        _ dir: TestDirectory,
        _ limits: ControlServer.Limits,
        answer: String = "pong"
    ) throws -> (
        ControlServer, Handled
    ) {
        let handled = Handled()
        let server = try ControlServer(path: dir.file("control.sock"), limits: limits) { request, _ in
            handled.count.withLock { $0 += 1 }
            return (try? .success([request.command: answer])) ?? .failure("cannot encode")
        }
        return (server, handled)
    }

    @Test("a stop removes the socket it bound, and leaves whatever replaced it")
    func stopRemovesOwnSocketOnly() throws {
        let dir = try TestDirectory()
        let path = dir.file("control.sock")
        let (own, _) = try makeServer(dir, ControlServer.Limits())
        own.close()
        #expect(!FileManager.default.fileExists(atPath: path), "the daemon's own socket stays after its stop")

        let (replaced, _) = try makeServer(dir, ControlServer.Limits())
        // Someone removes the socket and puts a file there while the daemon runs.
        #expect(unlink(path) == 0)
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
        replaced.close()
        #expect(
            FileManager.default.contents(atPath: path) == Data("keep".utf8),
            "the stop removed a file it did not make"
        )
    }

    @Test("a slowloris client is cut at the request deadline while another client is served", .timeLimit(.minutes(1)))
    func slowloris() throws {
        let dir = try TestDirectory()
        var limits = ControlServer.Limits()
        limits.requestTimeout = .seconds(1)
        let (server, handled) = try makeServer(dir, limits)
        defer { server.close() }
        let slow = try RawClient(dir.file("control.sock"))
        let started = Date()
        // A byte every 300 ms: each read arrives well within any per-read timeout, the request never completes.
        let dripping = Thread {
            for _ in 0..<20 {
                guard slow.write("{") else { return }
                Thread.sleep(forTimeInterval: 0.3)
            }
        }
        dripping.start()
        let meanwhile = try ControlClient(path: dir.file("control.sock"), timeout: 5).send(
            ControlRequest(command: "status")
        )
        #expect(meanwhile.ok, "another client is served while the slow one drips")
        let cut = slow.answer()
        let elapsed = Date().timeIntervalSince(started)
        #expect(cut?.ok == false && cut?.error?.contains("request timed out") == true, "\(String(describing: cut))")
        #expect(
            elapsed >= 0.9 && elapsed < 3,
            "cut at the 1 s deadline for the whole request, not per read: \(elapsed)"
        )
        #expect(handled.count.withLock { $0 } == 1, "only the complete request reached the handler")
        #expect(eventually(timeout: 2) { server.counters.open == 0 }, "the slow client holds nothing afterwards")
        #expect(server.counters.timedOut == 1)
    }

    @Test(
        "connections over the cap are refused at once with a clear error; freed slots serve again",
        .timeLimit(.minutes(1))
    )
    func connectionCap() throws {
        let dir = try TestDirectory()
        var limits = ControlServer.Limits()
        limits.maxConnections = 3
        limits.requestTimeout = .seconds(5)
        let (server, handled) = try makeServer(dir, limits)
        defer { server.close() }
        // Three idle clients take every slot (connected, nothing sent).
        let idle = try (0..<3).map { _ in try RawClient(dir.file("control.sock")) }
        #expect(eventually(timeout: 2) { server.counters.open == 3 })
        let started = Date()
        let refused = try ControlClient(path: dir.file("control.sock"), timeout: 5).send(
            ControlRequest(command: "status")
        )
        #expect(Date().timeIntervalSince(started) < 1, "refused at once, not after the idle clients time out")
        #expect(refused.ok == false && refused.error?.contains("busy") == true, "\(String(describing: refused.error))")
        #expect(handled.count.withLock { $0 } == 0)
        // One idle client finishes its request: its slot is free again.
        idle[0].write(#"{"command":"status","args":{}}"# + "\n")
        #expect(idle[0].answer()?.ok == true)
        #expect(eventually(timeout: 2) { server.counters.open == 2 })
        let served = try ControlClient(path: dir.file("control.sock"), timeout: 5).send(
            ControlRequest(command: "status")
        )
        #expect(served.ok)
        #expect(handled.count.withLock { $0 } == 2)
        #expect(server.counters.refusedBusy == 1)
    }

    @Test("an oversize request gets an error, and so does one over the default 16 MiB", .timeLimit(.minutes(1)))
    func oversize() throws {
        let dir = try TestDirectory()
        var limits = ControlServer.Limits()
        limits.maxRequestBytes = 256 << 10
        let (server, handled) = try makeServer(dir, limits)
        defer { server.close() }
        let big = String(repeating: "x", count: 300 << 10)
        let answer = try ControlClient(path: dir.file("control.sock"), timeout: 5).send(
            ControlRequest(command: "feedback.import", body: big)
        )
        #expect(
            answer.ok == false && answer.error?.contains("request too large") == true,
            "\(String(describing: answer))"
        )
        #expect(answer.error?.contains("256 KiB") == true)
        #expect(handled.count.withLock { $0 } == 0)
        #expect(server.counters.tooLarge == 1)
        // Under the limit, the same command goes through.
        let fits = try ControlClient(path: dir.file("control.sock"), timeout: 5).send(
            ControlRequest(command: "feedback.import", body: String(repeating: "x", count: 100 << 10))
        )
        #expect(fits.ok)
        // The client itself refuses a request over the default limit before sending it.
        #expect(throws: ControlClientError.self) {
            try ControlClient(path: dir.file("control.sock"), timeout: 5).send(
                ControlRequest(command: "feedback.import", body: String(repeating: "x", count: 17 << 20))
            )
        }
        #expect(eventually(timeout: 2) { server.counters.open == 0 })
    }

    @Test("a client that never reads its answer is dropped at the answer deadline", .timeLimit(.minutes(1)))
    func slowReader() throws {
        let dir = try TestDirectory()
        var limits = ControlServer.Limits()
        limits.answerTimeout = .seconds(1)
        limits.maxConnections = 1
        // An answer far larger than the socket buffers, so writing it blocks on a client that does not read.
        let (server, _) = try makeServer(dir, limits, answer: String(repeating: "y", count: 32 << 20))
        defer { server.close() }
        let stuck = try RawClient(dir.file("control.sock"))
        stuck.write(#"{"command":"status","args":{}}"# + "\n")
        #expect(eventually(timeout: 2) { server.counters.served == 1 })
        #expect(server.counters.open == 1, "the answer is being written")
        #expect(eventually(timeout: 5) { server.counters.open == 0 }, "cut after the 1 s answer deadline")
        _ = stuck
    }

    @Test(
        "a failing accept (out of descriptors) backs off instead of spinning, then serves again",
        .timeLimit(.minutes(1))
    )
    func acceptBackoff() throws {
        let dir = try TestDirectory()
        let calls = Mutex(0)
        let failing = Mutex(true)
        var limits = ControlServer.Limits()
        limits.acceptBackoff = .milliseconds(200)
        // While `failing`, accept fails as it does without descriptors: the connection stays queued, the socket
        // stays readable, and a server without back-off would call accept again at once, forever.
        limits.accept = { fd in
            calls.withLock { $0 += 1 }
            guard failing.withLock({ $0 }) else { return accept(fd, nil, nil) }
            errno = EMFILE
            return -1
        }
        let (server, handled) = try makeServer(dir, limits)
        defer { server.close() }
        let client = try RawClient(dir.file("control.sock"))
        client.write(#"{"command":"status","args":{}}"# + "\n")
        Thread.sleep(forTimeInterval: 1)
        let failures = server.counters.acceptFailures
        let tried = calls.withLock { $0 }
        // One try at once and one after each 200 ms pause: about 6 in a second, not thousands.
        #expect((2...8).contains(tried), "accept was called \(tried) times in 1 s")
        // Read a moment apart: a retry may fall between the two reads.
        #expect(tried - failures <= 1 && failures <= tried, "\(failures) failures counted for \(tried) calls")
        #expect(handled.count.withLock { $0 } == 0)

        failing.withLock { $0 = false }
        #expect(client.answer()?.ok == true, "the queued client is served once accept works again")
        #expect(handled.count.withLock { $0 } == 1)
    }
}
