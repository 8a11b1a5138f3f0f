/// How `posrevoked` was started.
public struct DaemonOptions: Sendable {
    public var configPath: String
    public var stateDirectory: String?
    /// The control socket; nil means `$RUNTIME_DIRECTORY/control.sock`, else `/run/posrevoke/control.sock`.
    public var controlSocket: String?

    public init(configPath: String, stateDirectory: String?, controlSocket: String? = nil) {
        self.configPath = configPath
        self.stateDirectory = stateDirectory
        self.controlSocket = controlSocket
    }
}
