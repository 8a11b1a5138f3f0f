import Foundation

/// One row of an authorizations export, ready for the daemon, which checks it again and checks its store.
public struct AuthorizationImportRow: Sendable, Codable, Equatable {
    public var line: Int
    public var authorization: UserAuthorization

    public init(line: Int, authorization: UserAuthorization) {
        self.line = line
        self.authorization = authorization
    }
}

/// What goes over the control socket for `authorizations import`.
public struct AuthorizationImportRequest: Sendable, Codable, Equatable {
    public var rows: [AuthorizationImportRow]
    public var errors: [FeedbackRowError]
    public var skipBad: Bool

    public init(rows: [AuthorizationImportRow], errors: [FeedbackRowError], skipBad: Bool) {
        self.rows = rows
        self.errors = errors
        self.skipBad = skipBad
    }

    /// At most this many rows in one import; larger exports are imported in parts.
    public static let maxRows = 100_000
}

/// The daemon's answer to an import.
public struct AuthorizationImportResult: Sendable, Codable, Equatable {
    public var applied: Bool
    public var imported: Int
    public var duplicates: Int
    public var errors: [FeedbackRowError]

    public init(applied: Bool, imported: Int, duplicates: Int, errors: [FeedbackRowError]) {
        self.applied = applied
        self.imported = imported
        self.duplicates = duplicates
        self.errors = errors
    }
}

extension UserAuthorization {
    /// The longest identifier accepted, in bytes (WeChat's are 32, Alipay's agreement numbers about 20).
    public static let maxValueBytes = 128

    /// Why this authorization may not be stored, or nil; the client's checks are not trusted.
    public func problem() -> String? {
        let values: [String]
        switch key {
        case .authorizationCode(let code), .openID(let code):
            guard provider == .wechatPayscore else { return "authorization_code and openid are WeChat Pay Score's" }
            values = [code]
        case .agreementNo(let number):
            guard provider == .alipayCredit else { return "agreement numbers are Alipay's" }
            values = [number]
        case .externalAgreement(let number, let productCode, let signScene):
            guard provider == .alipayCredit else { return "agreement numbers are Alipay's" }
            values = [number, productCode, signScene]
        }
        for value in values {
            guard !value.isEmpty, value.utf8.count <= Self.maxValueBytes,
                value.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
            else { return "identifiers must be 1 to \(Self.maxValueBytes) printable ASCII characters without spaces" }
        }
        guard !store.isEmpty, store.utf8.count <= FeedbackLimits.maxNameBytes else {
            return "store must be 1 to \(FeedbackLimits.maxNameBytes) bytes"
        }
        return nil
    }
}

/// Reads an authorizations export: CSV, UTF-8, a header row naming `provider`, `store`, `kind` and `value`, and for
/// Alipay's `external_agreement_no` also `product_code` and `sign_scene`. `kind` is `authorization_code` or
/// `openid` (WeChat Pay Score), `agreement_no` or `external_agreement_no` (Alipay).
public enum AuthorizationCSV {
    public static let kinds = ["authorization_code", "openid", "agreement_no", "external_agreement_no"]

    public struct Parsed: Sendable {
        public var rows: [AuthorizationImportRow] = []
        public var errors: [FeedbackRowError] = []
    }

    public static func parse(_ text: String) throws(FeedbackCSV.FileError) -> Parsed {
        let (records, bad, fatal) = CSVReader.read(text)
        if let fatal { throw FeedbackCSV.FileError("line \(fatal.line): \(fatal.message)") }
        guard let header = records.first else { throw FeedbackCSV.FileError("the file is empty") }
        var columns: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() {
            columns[name.trimmingCharacters(in: .whitespaces).lowercased()] = index
        }
        for name in ["provider", "store", "kind", "value"] where columns[name] == nil {
            throw FeedbackCSV.FileError("the header has no '\(name)' column")
        }
        var parsed = Parsed()
        parsed.errors = bad.map { FeedbackRowError(line: $0.line, reason: $0.message) }
        guard records.count - 1 + bad.count <= AuthorizationImportRequest.maxRows else {
            throw FeedbackCSV.FileError(
                "more than \(AuthorizationImportRequest.maxRows) rows: split the file and import the parts"
            )
        }
        for record in records.dropFirst() {
            func value(_ name: String) -> String {
                guard let index = columns[name], index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespaces)
            }
            guard let provider = CreditProvider(rawValue: value("provider")) else {
                let known = CreditProvider.allCases.map(\.rawValue).joined(separator: ", ")
                parsed.errors.append(FeedbackRowError(line: record.line, reason: "provider must be one of: \(known)"))
                continue
            }
            let key: UserAuthorization.Key
            switch value("kind") {
            case "authorization_code": key = .authorizationCode(value("value"))
            case "openid": key = .openID(value("value"))
            case "agreement_no": key = .agreementNo(value("value"))
            case "external_agreement_no":
                key = .externalAgreement(
                    no: value("value"),
                    productCode: value("product_code"),
                    signScene: value("sign_scene")
                )
            default:
                parsed.errors.append(
                    FeedbackRowError(line: record.line, reason: "kind must be one of: \(kinds.joined(separator: ", "))")
                )
                continue
            }
            let authorization = UserAuthorization(provider: provider, store: value("store"), key: key)
            if let problem = authorization.problem() {
                parsed.errors.append(FeedbackRowError(line: record.line, reason: problem))
            } else {
                parsed.rows.append(AuthorizationImportRow(line: record.line, authorization: authorization))
            }
        }
        return parsed
    }
}

/// `authorizations list`: how many authorizations the daemon knows per store and provider.
public struct AuthorizationCount: Sendable, Codable, Equatable {
    public var store: String
    public var provider: String
    public var count: Int

    public init(store: String, provider: String, count: Int) {
        self.store = store
        self.provider = provider
        self.count = count
    }
}

/// `platform check`: what one provider's harmless signed call showed.
public struct PlatformCheckResult: Sendable, Codable, Equatable {
    public var provider: String
    public var ok: Bool
    public var detail: String

    public init(provider: String, ok: Bool, detail: String) {
        self.provider = provider
        self.ok = ok
        self.detail = detail
    }
}
