import AsyncHTTPClient
import Foundation
import NIOCore
import PosrevokeCore

/// `platform.providers.alipay-credit: alipay-openapi`: the Alipay OpenAPI gateway with RSA2, for the users'
/// agreements at a store. Each agreement still in force is unsigned with `alipay.user.agreement.unsign` and queried
/// with `alipay.user.agreement.query` until it is `STOP`; one Alipay no longer knows (`USER_AGREEMENT_NOT_EXIST`) is
/// gone. Orders, the application and its review are operator gates: Alipay has no merchant API for them.
struct AlipayPlatform: PaymentPlatform {
    let account: AlipayAccount
    let client: HTTPClient
    let clock: any WallClock
    var timeout: Duration = .seconds(10)
    var retry = InCallRetry()
    var appliesByHand: Bool { true }
    static let provider = CreditProvider.alipayCredit

    func openOrders(terminal: String, provider: CreditProvider) async throws -> [String]? { nil }

    /// Queries an agreement that does not exist: Alipay must accept the signature and answer
    /// `USER_AGREEMENT_NOT_EXIST` with a signature that verifies.
    func check() async throws -> String {
        switch try await call(AlipayWire.query, AlipayWire.Agreement(agreement_no: "posrevoke-check")) {
        case .success:
            return "Alipay accepted a signed query from app \(account.appID), and its answer verified"
        case .failure(let failure) where failure.verified && failure.subCode == "USER_AGREEMENT_NOT_EXIST":
            return "Alipay accepted a signed query from app \(account.appID), and its answer verified"
        case .failure(let failure):
            throw error(failure, AlipayWire.query)
        case .unverified(let why):
            throw unbelieved(why, AlipayWire.query)
        }
    }

    func cancelOrder(_ outOrderNo: String, reason: String) async throws {
        throw gate("close the open credit order \(outOrderNo) in the Alipay merchant console, then confirm the job")
    }

    func submitDeactivation(terminal: String, provider: CreditProvider, requestKey: String) async throws -> String {
        throw gate(
            "Alipay has no API for this: apply to end the credit service for app \(account.appID) on the open "
                + "platform (open.alipay.com), then confirm the job"
        )
    }

    func review(application: String) async throws -> (state: String, reason: String?) {
        throw gate("Alipay reviews the application on the open platform: confirm the job once approved")
    }

    func bindingIsGone(_ scope: BindingScope) async throws -> Bool {
        for agreement in try known(scope) {
            if try await inForce(agreement) { return false }
        }
        return true
    }

    func terminateBinding(_ scope: BindingScope, reason: String) async throws {
        for agreement in try known(scope) {
            guard try await inForce(agreement) else { continue }
            let answer = try await call(AlipayWire.unsign, agreement)
            if case .failure(let failure) = answer, failure.subCode != "USER_AGREEMENT_NOT_EXIST" {
                throw error(failure, AlipayWire.unsign)
            }
        }
    }

    func rebind(_ scope: BindingScope, requestKey: String) async throws {
        throw gate("a merchant cannot restore users' Alipay agreements: users sign again themselves; confirm the job")
    }

    /// True while the agreement is NORMAL or TEMP.
    private func inForce(_ agreement: AlipayWire.Agreement) async throws -> Bool {
        switch try await call(AlipayWire.query, agreement) {
        case .success(let answer):
            guard let status = answer.status else {
                throw PlatformCallError(description: "alipay-credit platform: the query has no status", retryable: true)
            }
            return status != "STOP"
        case .failure(let failure) where failure.subCode == "USER_AGREEMENT_NOT_EXIST" && failure.verified:
            return false
        case .failure(let failure):
            throw error(failure, AlipayWire.query)
        case .unverified(let why):
            throw unbelieved(why, AlipayWire.query)
        }
    }

    private func known(_ scope: BindingScope) throws -> [AlipayWire.Agreement] {
        let agreements = scope.authorizations.compactMap { authorization -> AlipayWire.Agreement? in
            switch authorization.key {
            case .agreementNo(let number): AlipayWire.Agreement(agreement_no: number)
            case .externalAgreement(let number, let productCode, let signScene):
                AlipayWire.Agreement(
                    external_agreement_no: number,
                    personal_product_code: productCode,
                    sign_scene: signScene
                )
            case .authorizationCode, .openID: nil
            }
        }
        guard !agreements.isEmpty else {
            throw gate(
                "no Alipay agreements of store \(scope.store) are known: import them (posrevokectl authorizations "
                    + "import FILE) and retry the job, or confirm it if the store has none"
            )
        }
        return agreements
    }

    /// A query is tried again within the call; an unsign never is: after a lost answer, the step's retry queries first.
    private func call(_ method: String, _ agreement: AlipayWire.Agreement) async throws -> AlipayAnswer {
        let policy = method == AlipayWire.query ? retry : InCallRetry(attempts: 1)
        return try await policy.run {
            let answer = try await send(method, agreement)
            if case .failure(let failure) = answer, failure.isRetryable { throw error(failure, method) }
            if case .unverified(let why) = answer { throw unbelieved(why, method) }
            return answer
        }
    }

    private func send(_ method: String, _ agreement: AlipayWire.Agreement) async throws -> AlipayAnswer {
        let privatePEM = try SecretFile.platformCredential(
            account.privateKeyFile,
            kind: .rsaPrivateKey,
            setting: "platform.alipay.private_key_file"
        )
        let publicPEM = try SecretFile.platformCredential(
            account.alipayPublicKeyFile,
            kind: .rsaPublicKey,
            setting: "platform.alipay.alipay_public_key_file"
        )
        let signer: AlipaySigner
        let alipayKey: RSAVerifyingKey
        do {
            signer = AlipaySigner(key: try RSASigningKey(pem: privatePEM))
            alipayKey = try RSAVerifyingKey(pem: publicPEM)
        } catch {
            throw PlatformCallError(description: "platform.alipay: a key file \(error)", retryable: false)
        }
        let biz = String(decoding: try AlipayWire.encoder.encode(agreement), as: UTF8.self)
        let parameters: [String: String]
        do {
            parameters = try signer.signed(
                AlipaySigner.parameters(appID: account.appID, method: method, bizContent: biz, now: clock.now())
            )
        } catch {
            throw PlatformCallError(description: "alipay-credit platform: signing failed", retryable: false)
        }
        var request = HTTPClientRequest(url: account.gateway)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded;charset=utf-8")
        request.headers.add(name: "accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: AlipaySigner.formBody(parameters)))
        let answer = try await BoundedExchange(client: client, timeout: timeout, maxBody: 1 << 20)
            .platformCall(request, provider: Self.provider)
        return AlipayAnswer.read(status: answer.status, body: answer.body, method: method, key: alipayKey)
    }

    private func error(_ failure: AlipayFailure, _ method: String) -> PlatformCallError {
        // An answer Alipay did not sign may make a step wait, never fail or succeed.
        var error = PlatformCallError(
            description: "alipay-credit platform: \(method) answered \(failure)",
            retryable: failure.isRetryable || !failure.verified
        )
        error.code = failure.subCode ?? failure.code
        if failure.isSettings {
            error.description +=
                " (Alipay refuses our app or signature: check platform.alipay.app_id, private_key_file and "
                + "alipay_public_key_file)"
        }
        return error
    }

    private func unbelieved(_ why: String, _ method: String) -> PlatformCallError {
        PlatformCallError(
            description: "alipay-credit platform: answer to \(method) not believed: \(why)",
            retryable: true
        )
    }

    private func gate(_ text: String) -> PlatformCallError {
        PlatformCallError(description: text, retryable: false, needsOperator: true)
    }
}
