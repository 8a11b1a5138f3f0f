import Foundation

/// `tms:`: the terminal-management systems that carry terminals' commands. Only PAXSTORE today.
public struct TMSSection: Sendable, Equatable {
    public var paxstore: PaxstoreAccount?

    public init() {}
}

/// `tms.paxstore`: one PAXSTORE third-party-system access key and what its pushes carry.
public struct PaxstoreAccount: Sendable, Equatable {
    /// The API root up to `/p-market-api` (`https://api.whatspos.com/p-market-api`); the client adds `/v1/3rdsys/…`.
    public var baseURL: String
    /// The access key (`sysKey`): not a secret, it names the key in the TMS's own logs.
    public var apiKey: String
    /// The credential file holding the access secret that signs every request.
    public var apiSecretFile: String
    /// The payment app whose parameters and versions are pushed.
    public var packageName: String
    /// The app version `push-update` installs; nil pushes the newest version in the TMS's market.
    public var appVersion: String?
    /// What `close-service` and `reenable` push, per provider.
    public var parameters: [CreditProvider: PaxstoreParameter] = [:]
    /// The plugin `remove-hardware` uninstalls, per provider; without one that step stays an operator gate.
    public var pluginPackages: [CreditProvider: String] = [:]
    /// Requests per rate-limit window the client allows itself before the TMS's own headers say otherwise.
    public var rateLimit = 3000
    public var rateWindow: Duration = .seconds(600)

    /// Requests a second that polls of terminals known only to the TMS may take: half the key's budget (its limit
    /// less a 5 % reserve), so that jobs always have the other half.
    public var pollBudgetPerSecond: Double {
        Double(rateLimit - max(1, rateLimit / 20)) / rateWindow.seconds / 2
    }

    public init(baseURL: String, apiKey: String, apiSecretFile: String, packageName: String) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiSecretFile = apiSecretFile
        self.packageName = packageName
    }
}

/// One parameter of the payment app's template that switches a provider off (`off`) and on again (`on`).
public struct PaxstoreParameter: Sendable, Equatable {
    public var template: String
    public var pid: String
    public var off: String
    public var on: String

    public init(template: String, pid: String, off: String, on: String) {
        self.template = template
        self.pid = pid
        self.off = off
        self.on = on
    }
}

/// `simulation.tms`: how the simulated PAXSTORE behaves.
public struct TMSSimulationConfig: Sendable, Equatable {
    /// Requests per window the simulated key allows (the real one: 3000 per 10 minutes).
    public var rateLimit = 3000
    public var rateWindow: Duration = .seconds(600)
    /// Shares of requests answered 429 (with the headers), 500, or executed and then answered with nothing.
    public var throttleShare = 0.0
    public var serverErrorShare = 0.0
    public var lostAnswerShare = 0.0
    /// How long a push task waits (actionStatus 0, then 1) before the terminal applies it.
    public var taskDelay: Duration = .seconds(2)
    /// Terminals that never check in: their tasks wait (4) and expire (3, errorCode 9) after `taskExpiry`.
    public var offline: [String] = []
    public var taskExpiry: Duration = .seconds(20)

    public init() {}
}
