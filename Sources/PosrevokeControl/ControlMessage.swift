public import Foundation

/// One request to the daemon's control socket: a command name, string arguments, and an optional body
/// (a plan file). Sent as one line of JSON; the answer is one line of JSON too.
public struct ControlRequest: Sendable, Codable, Equatable {
    public var command: String
    public var args: [String: String]
    public var body: String?

    public init(command: String, args: [String: String] = [:], body: String? = nil) {
        self.command = command
        self.args = args
        self.body = body
    }
}

/// The daemon's answer: a result, or an error for the operator.
public struct ControlResponse: Sendable, Codable, Equatable {
    public var ok: Bool
    public var error: String?
    public var result: JSONValue?

    public init(ok: Bool, error: String? = nil, result: JSONValue? = nil) {
        self.ok = ok
        self.error = error
        self.result = result
    }

    /// A success carrying any encodable result.
    public static func success(_ value: some Encodable) throws -> ControlResponse {
        let data = try ControlCoding.encoder.encode(value)
        return ControlResponse(ok: true, result: try ControlCoding.decoder.decode(JSONValue.self, from: data))
    }

    public static func failure(_ message: String) -> ControlResponse { ControlResponse(ok: false, error: message) }

    /// Decodes the result as `T`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let data = try ControlCoding.encoder.encode(result ?? .null)
        return try ControlCoding.decoder.decode(type, from: data)
    }
}

/// Shared JSON settings: ISO 8601 dates, sorted keys.
public enum ControlCoding {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// The socket path: `$RUNTIME_DIRECTORY/control.sock` under systemd, else `/run/posrevoke/control.sock`.
    public static func defaultSocketPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String
    {
        if let runtime = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first {
            return "\(runtime)/control.sock"
        }
        return "/run/posrevoke/control.sock"
    }
}
