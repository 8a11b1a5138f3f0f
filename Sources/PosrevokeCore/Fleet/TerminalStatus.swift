public import Foundation

/// What a terminal says about itself when asked: model, clock, peripherals, and which methods it accepts.
public struct TerminalStatus: Sendable, Equatable, Codable {
    public struct Method: Sendable, Equatable, Codable {
        public var method: PaymentMethod
        public var provider: String?
        public var enabled: Bool

        public init(method: PaymentMethod, provider: String?, enabled: Bool) {
            self.method = method
            self.provider = provider
            self.enabled = enabled
        }
    }

    public var terminalID: String
    public var model: String
    public var firmware: String
    public var time: Date
    public var peripherals: [String]
    public var paymentMethods: [Method]
    /// False when the answer cannot say which methods the terminal takes or which peripherals it has (a TMS sees
    /// only that it is online): `paymentMethods` and `peripherals` are then empty, not a claim that nothing is there.
    public var detailsKnown = true

    public init(
        terminalID: String,
        model: String,
        firmware: String,
        time: Date,
        peripherals: [String],
        paymentMethods: [Method]
    ) {
        self.terminalID = terminalID
        self.model = model
        self.firmware = firmware
        self.time = time
        self.peripherals = peripherals
        self.paymentMethods = paymentMethods
    }
}
