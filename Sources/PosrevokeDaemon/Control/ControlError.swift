/// A control request that cannot be carried out, with the reason for the operator.
struct ControlError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
