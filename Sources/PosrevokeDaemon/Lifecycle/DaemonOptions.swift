/// How `posrevoked` was started.
public struct DaemonOptions: Sendable {
    public var configPath: String
    public var stateDirectory: String?

    public init(configPath: String, stateDirectory: String?) {
        self.configPath = configPath
        self.stateDirectory = stateDirectory
    }
}
