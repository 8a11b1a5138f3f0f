/// What this build is; `scripts/build-deb` reads the version from here.
public enum BuildInfo {
    public static let version = "0.1.0"
}
