import AsyncHTTPClient
import PosrevokeCore
import PosrevokeSimulation

/// One payment platform per credit provider, as `platform.providers` names it.
enum PlatformFactory {
    static func platforms(
        _ config: DaemonConfig,
        platform: SimulatedPlatform,
        client: HTTPClient,
        clock: SystemClock
    ) -> [CreditProvider: any PaymentPlatform] {
        Dictionary(
            uniqueKeysWithValues: CreditProvider.allCases.map { provider in
                switch config.platform.providers[provider] ?? .simulated {
                case .simulated:
                    (provider, SimulatedPlatformAdapter(platform: platform, clock: clock) as any PaymentPlatform)
                case .http:
                    // The reader guarantees the section; a provider without one would never get here.
                    config.platform.http[provider].map {
                        (provider, HTTPPlatform(provider: provider, config: $0, client: client, timeout: .seconds(10)))
                    } ?? (provider, ManualPlatform(provider: provider))
                case .manual: (provider, ManualPlatform(provider: provider) as any PaymentPlatform)
                case .wechatpayV3:
                    // The reader guarantees the account for this kind.
                    config.platform.wechatpay.map {
                        (provider, WeChatPayPlatform(client: wechatPayClient($0, client: client, clock: clock)))
                    } ?? (provider, ManualPlatform(provider: provider))
                case .alipayOpenAPI:
                    config.platform.alipay.map {
                        (provider, AlipayPlatform(account: $0, client: client, clock: clock) as any PaymentPlatform)
                    } ?? (provider, ManualPlatform(provider: provider))
                }
            }
        )
    }

    static func wechatPayClient(_ account: WeChatPayAccount, client: HTTPClient, clock: SystemClock) -> WeChatPayClient
    {
        let mode: WeChatPayKeys.Mode =
            if let id = account.publicKeyID, let file = account.publicKeyFile {
                .publicKey(id: id, file: file)
            } else {
                .certificates(apiV3KeyFile: account.apiV3KeyFile ?? "")
            }
        return WeChatPayClient(account: account, keys: WeChatPayKeys(mode: mode), client: client, clock: clock)
    }
}
