public import Foundation

/// The shapes of PAXSTORE's open API: every answer is an envelope with a `businessCode` (0 is success), and
/// either `data` or a `pageInfo` of `dataSet` rows.
public enum PaxstoreWire {
    public struct Envelope: Decodable, Sendable {
        public var businessCode: Int?
        public var message: String?
        public var validationErrors: [String]?
    }

    public struct DataEnvelope<T: Decodable & Sendable>: Decodable, Sendable {
        public var data: T?
    }

    public struct PageEnvelope<T: Decodable & Sendable>: Decodable, Sendable {
        public var pageInfo: Page<T>?
    }

    public struct Page<T: Decodable & Sendable>: Decodable, Sendable {
        public var pageNo: Int?
        public var limit: Int?
        public var totalCount: Int?
        public var hasNext: Bool?
        public var dataSet: [T]?
    }

    /// A push task: an app (with its parameters) pushed to one terminal.
    public struct TerminalApk: Codable, Sendable, Equatable {
        public var id: Int64
        public var terminalSN: String?
        public var apkPackageName: String?
        public var apkVersionName: String?
        public var paramTemplateName: String?
        public var actionStatus: Int?
        public var errorCode: Int?
        /// The values of the parameters a search named in `pidList`.
        public var configuredParameters: [String: String]?

        public init(
            id: Int64,
            terminalSN: String?,
            apkPackageName: String?,
            apkVersionName: String?,
            paramTemplateName: String?,
            actionStatus: Int?,
            errorCode: Int?,
            configuredParameters: [String: String]? = nil
        ) {
            self.configuredParameters = configuredParameters
            self.id = id
            self.terminalSN = terminalSN
            self.apkPackageName = apkPackageName
            self.apkVersionName = apkVersionName
            self.paramTemplateName = paramTemplateName
            self.actionStatus = actionStatus
            self.errorCode = errorCode
        }
    }

    /// A terminal as the TMS lists it.
    public struct Terminal: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String?
        public var tid: String?
        public var serialNo: String?
        public var status: String?
        public var merchantName: String?
        public var resellerName: String?
        public var modelName: String?
        public var installedApks: [InstalledApk]?

        public init(
            id: Int64,
            name: String?,
            tid: String?,
            serialNo: String?,
            status: String?,
            merchantName: String?,
            resellerName: String?,
            modelName: String?,
            installedApks: [InstalledApk]?
        ) {
            self.id = id
            self.name = name
            self.tid = tid
            self.serialNo = serialNo
            self.status = status
            self.merchantName = merchantName
            self.resellerName = resellerName
            self.modelName = modelName
            self.installedApks = installedApks
        }
    }

    public struct InstalledApk: Codable, Sendable, Equatable {
        public var packageName: String?
        public var versionName: String?

        public init(packageName: String?, versionName: String?) {
            self.packageName = packageName
            self.versionName = versionName
        }
    }

    /// `GET /terminals/network`: 0 unknown, 1 offline, 2 online.
    public struct Network: Codable, Sendable, Equatable {
        public var serialNo: String?
        public var onlineStatus: Int?

        public init(serialNo: String?, onlineStatus: Int?) {
            self.serialNo = serialNo
            self.onlineStatus = onlineStatus
        }
    }

    /// `POST /terminalApks`: push `packageName` (at `version`, with `parameters` of `templateName`) to a terminal.
    public struct PushRequest: Codable, Sendable, Equatable {
        public var serialNo: String
        public var packageName: String
        public var version: String?
        public var templateName: String?
        public var parameters: [String: String]?

        public init(
            serialNo: String,
            packageName: String,
            version: String? = nil,
            templateName: String? = nil,
            parameters: [String: String]? = nil
        ) {
            self.serialNo = serialNo
            self.packageName = packageName
            self.version = version
            self.templateName = templateName
            self.parameters = parameters
        }
    }

    /// `POST /terminalApks/uninstall`.
    public struct UninstallRequest: Codable, Sendable, Equatable {
        public var serialNo: String
        public var packageName: String

        public init(serialNo: String, packageName: String) {
            self.serialNo = serialNo
            self.packageName = packageName
        }
    }

    public static let decoder = JSONDecoder()
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
