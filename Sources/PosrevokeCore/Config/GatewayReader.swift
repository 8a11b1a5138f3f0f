import Yams

/// Reads `gateways:` and checks the terminals that name one.
enum GatewayReader {
    static func read(_ node: Node, _ reader: NodeReader) -> [String: GatewayConfig] {
        var gateways: [String: GatewayConfig] = [:]
        for (name, keyNode, value) in reader.pairs(node, "gateways") ?? [] {
            let path = "gateways.\(name)"
            guard !name.isEmpty, name.count <= 64, !name.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                reader.report(path, keyNode, "a gateway name is 1 to 64 characters without spaces or '/'")
                continue
            }
            guard let fields = reader.mapping(value, path, keys: ["url", "token_file", "allow_plain_http"]) else {
                continue
            }
            guard let urlNode = fields["url"] else {
                reader.report("\(path).url", value, "is required")
                continue
            }
            guard let text = reader.string(urlNode, "\(path).url"),
                let url = ConfigParser.checkedURL(text, urlNode, "\(path).url", reader)
            else { continue }
            var gateway = GatewayConfig(name: name, url: url)
            if let child = fields["token_file"] { gateway.tokenFile = reader.string(child, "\(path).token_file") }
            assign(&gateway.allowPlainHTTP, fields["allow_plain_http"]) { reader.bool($0, "\(path).allow_plain_http") }
            if url.lowercased().hasPrefix("http://"), gateway.tokenFile != nil, !gateway.allowPlainHTTP {
                reader.report(
                    "\(path).token_file",
                    fields["token_file"],
                    "a bearer token would cross the network unencrypted over http://: use an https:// url, or set "
                        + "allow_plain_http: true on this gateway to accept that (a loopback or otherwise private link)"
                )
            }
            gateways[name] = gateway
        }
        return gateways
    }

    /// A terminal's `gateway:` must name a gateway of `gateways:`.
    static func crossCheck(_ config: DaemonConfig, _ reader: NodeReader) {
        for (index, terminal) in config.terminals.enumerated() {
            guard let name = terminal.gateway, config.gateways[name] == nil else { continue }
            reader.report("terminals[\(index)].gateway", nil, "unknown gateway '\(name)' (not in gateways:)")
        }
    }
}
