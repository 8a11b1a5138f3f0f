import Foundation

/// Runs `openssl` or `python3` to compute a vector independently of the code under test.
enum ExternalTool {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `arguments` with `input` on stdin; stdout, or an error with stderr when it exits non-zero.
    @discardableResult
    static func run(_ arguments: [String], input: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "\(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return output
    }

    /// A fresh directory for keys, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("posrevoke-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// An RSA key pair made by openssl at run time, as files.
struct OpenSSLKeyPair {
    let directory: URL
    var privateKeyPath: String { directory.appendingPathComponent("key.pem").path }
    var publicKeyPath: String { directory.appendingPathComponent("pub.pem").path }

    init(bits: Int = 2048, in directory: URL, name: String = "key") throws {
        self.directory = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        try ExternalTool.run([
            "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)", "-out", privateKeyPath,
        ])
        try ExternalTool.run(["openssl", "pkey", "-in", privateKeyPath, "-pubout", "-out", publicKeyPath])
    }

    var privateKeyPEM: String { (try? String(contentsOfFile: privateKeyPath, encoding: .utf8)) ?? "" }
    var publicKeyPEM: String { (try? String(contentsOfFile: publicKeyPath, encoding: .utf8)) ?? "" }

    /// `openssl dgst -sha256 -sign`: SHA256withRSA, PKCS#1 v1.5.
    func opensslSignature(_ message: Data) throws -> Data {
        try ExternalTool.run(["openssl", "dgst", "-sha256", "-sign", privateKeyPath], input: message)
    }

    /// `openssl dgst -sha256 -verify`.
    func opensslVerifies(_ signature: Data, _ message: Data) throws -> Bool {
        let path = directory.appendingPathComponent("sig-\(UUID().uuidString)").path
        try signature.write(to: URL(fileURLWithPath: path))
        do {
            try ExternalTool.run(
                ["openssl", "dgst", "-sha256", "-verify", publicKeyPath, "-signature", path],
                input: message
            )
            return true
        } catch {
            return false
        }
    }
}
