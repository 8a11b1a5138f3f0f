public import Foundation

/// Signs Alipay OpenAPI gateway requests with RSA2 as published: every parameter but `sign`, empty ones dropped,
/// sorted by key (byte order), raw `key=value` joined by `&` (`sign_type` included), SHA256withRSA with the app's
/// private key, standard Base64.
public struct AlipaySigner: Sendable {
    private let key: RSASigningKey

    public init(key: RSASigningKey) { self.key = key }

    public static func signingString(_ parameters: [String: String]) -> String {
        parameters.filter { $0.key != "sign" && !$0.value.isEmpty }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: "&")
    }

    /// `parameters` with `sign` added.
    public func signed(_ parameters: [String: String]) throws -> [String: String] {
        var signed = parameters
        signed["sign"] = try key.signature(for: Data(Self.signingString(parameters).utf8)).base64EncodedString()
        return signed
    }

    /// The gateway's common parameters for one call; `timestamp` is Beijing time, as the gateway expects.
    public static func parameters(appID: String, method: String, bizContent: String, now: Date) -> [String: String] {
        [
            "app_id": appID, "method": method, "format": "JSON", "charset": "utf-8", "sign_type": "RSA2",
            "timestamp": timestamp(now), "version": "1.0", "biz_content": bizContent,
        ]
    }

    /// `yyyy-MM-dd HH:mm:ss` in GMT+8.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let text = String(value ?? 0)
            return text.count < 2 ? "0" + text : text
        }
        return "\(parts.year ?? 1970)-\(two(parts.month))-\(two(parts.day)) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
    }

    /// `application/x-www-form-urlencoded` body of the signed parameters.
    public static func formBody(_ parameters: [String: String]) -> Data {
        Data(
            parameters.sorted { $0.key < $1.key }
                .map { "\(formEscaped($0.key))=\(formEscaped($0.value))" }
                .joined(separator: "&").utf8
        )
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986), so `+`, `&`, `=` and `/` survive.
    public static func formEscaped(_ text: String) -> String {
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        // alphanumerics includes non-ASCII letters; restrict to ASCII.
        return text.unicodeScalars.map { scalar in
            if scalar.isASCII, unreserved.contains(scalar) { return String(scalar) }
            return String(scalar).utf8.map { byte in
                let hex = String(byte, radix: 16, uppercase: true)
                return "%" + (hex.count == 1 ? "0" + hex : hex)
            }.joined()
        }.joined()
    }

    /// Reads a form body back into parameters (the simulator's side); nil when it is not one.
    public static func parseForm(_ body: Data) -> [String: String]? {
        guard body.count <= 1 << 20, let text = String(data: body, encoding: .utf8) else { return nil }
        var parameters: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2,
                let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                let value = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                parameters[key] == nil
            else { return nil }
            parameters[key] = value
        }
        return parameters
    }
}
