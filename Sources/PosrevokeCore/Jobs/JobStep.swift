/// What a job does: cancel credit-score pay on one terminal × provider, or put it back.
public enum JobKind: String, Sendable, Codable, CaseIterable {
    case cancel
    case restore
}

/// One step of the pipeline, in the order merchants actually work through a cancellation.
public enum JobStep: String, Sendable, Codable, CaseIterable {
    case backup
    case notifyUsers = "notify-users"
    case vendorConfirmation = "vendor-confirmation"
    case closeService = "close-service"
    case cancelOrders = "cancel-orders"
    case submitApplication = "submit-application"
    case awaitReview = "await-review"
    case confirmUnbind = "confirm-unbind"
    case removeHardware = "remove-hardware"
    case pushUpdate = "push-update"
    case awaitUpdate = "await-update"
    case retest
    case watch
    case followUp = "follow-up"
    // Restore only.
    case verifyBackup = "verify-backup"
    case reenable
    case rebind
    case restoreSettings = "restore-settings"

    /// The steps of a job of `kind`, in order.
    public static func pipeline(_ kind: JobKind, vendorConfirmation: Bool) -> [JobStep] {
        switch kind {
        case .cancel:
            [.backup, .notifyUsers] + (vendorConfirmation ? [.vendorConfirmation] : []) + [
                .closeService, .cancelOrders, .submitApplication, .awaitReview, .confirmUnbind, .removeHardware,
                .pushUpdate, .awaitUpdate, .retest, .watch, .followUp,
            ]
        case .restore:
            [.verifyBackup, .rebind, .reenable, .restoreSettings, .retest, .followUp]
        }
    }

    /// Steps that talk to the terminal run only inside the plan's maintenance window.
    public var touchesTerminal: Bool {
        switch self {
        case .backup, .notifyUsers, .closeService, .removeHardware, .pushUpdate, .awaitUpdate, .retest, .followUp,
            .reenable, .restoreSettings:
            true
        case .vendorConfirmation, .cancelOrders, .submitApplication, .awaitReview, .confirmUnbind, .watch,
            .verifyBackup, .rebind:
            false
        }
    }

    /// Steps that call the payment platform, and so spend its rate limit.
    public var touchesPlatform: Bool {
        [.cancelOrders, .submitApplication, .awaitReview, .confirmUnbind, .rebind, .retest].contains(self)
    }

    /// Steps that read or end the bindings of the terminal's store: on the real platforms these are the users'
    /// authorizations, shared by every terminal of the store, so such steps of one store and provider run one at a time.
    public var handlesBindings: Bool { [.confirmUnbind, .retest, .rebind].contains(self) }

    /// Once a job is here, its terminal counts as cut over for the wave's health gate.
    public var isPastCutover: Bool { self == .watch || self == .followUp }
}
