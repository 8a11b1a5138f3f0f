import CompressNIO
import Foundation
import NIOCore
import PosrevokeCore

/// The daily trade bill: its signed location and hash, then the file itself, decompressed and checked.
extension WeChatPayClient {
    /// The compressed bill may be at most this large; decompressed, `TradeBill.maxBytes`.
    static let maxCompressedBill = 64 << 20

    /// The decompressed `ALL` bill of `date` (`yyyy-MM-dd`), its SHA1 checked against the signed answer.
    func tradeBill(date: String) async throws -> Data {
        let query = "bill_date=\(Self.escaped(date))&bill_type=ALL&tar_type=GZIP"
        guard case .body(let body) = try await call(.GET, "/v3/bill/tradebill?\(query)") else {
            throw PlatformCallError(description: "wechat-payscore platform: no bill for \(date)", retryable: true)
        }
        guard let answer = try? WeChatPayWire.decoder.decode(WeChatPayBillAnswer.self, from: body) else {
            throw PlatformCallError(
                description: "wechat-payscore platform: the bill's location answer is not {hash_type, hash_value, "
                    + "download_url}",
                retryable: true
            )
        }
        let target: String
        do {
            target = try answer.downloadTarget(baseURL: account.baseURL)
        } catch {
            throw PlatformCallError(description: "wechat-payscore platform: \(error)", retryable: false)
        }
        // The file is not signed: the hash in the signed answer above is what vouches for it.
        let file = try await exchange(.GET, target, Data(), maxBody: Self.maxCompressedBill, timeout: .seconds(120))
        guard file.status == 200 else {
            throw PlatformCallError(
                description: "wechat-payscore platform: the bill download answered \(file.status)",
                retryable: true
            )
        }
        let bill = try Self.gunzip(file.body)
        do {
            try answer.check(bill)
        } catch {
            throw PlatformCallError(description: "wechat-payscore platform: \(error)", retryable: true)
        }
        return bill
    }

    /// A gzip file, decompressed to at most `TradeBill.maxBytes`.
    static func gunzip(_ data: Data) throws -> Data {
        var buffer = ByteBuffer(bytes: data)
        do {
            let out = try buffer.decompress(with: .gzip(), maxSize: TradeBill.maxBytes)
            return Data(out.readableBytesView)
        } catch {
            throw PlatformCallError(
                description:
                    "wechat-payscore platform: the bill is not a gzip file of at most \(TradeBill.maxBytes >> 20) "
                    + "MiB decompressed",
                retryable: true
            )
        }
    }
}
