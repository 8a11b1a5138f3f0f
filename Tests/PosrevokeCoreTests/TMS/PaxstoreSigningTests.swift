import Foundation
import PosrevokeCore
import Testing

@Suite("PAXSTORE: signing and answers")
struct PaxstoreSigningTests {
    /// The vectors are openssl's, computed when the test runs, over the query exactly as the client sends it.
    func openssl(_ query: String, _ secret: String) throws -> String {
        let output = try ExternalTool.run(["openssl", "dgst", "-sha256", "-hmac", secret], input: Data(query.utf8))
        let text = String(decoding: output, as: UTF8.self)
        return String(text.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            .uppercased()
    }

    @Test func theQueryIsSignedAsSent() throws {
        let query = PaxstoreSigning.query([("serialNo", "1170012345")], key: "ABCDEFGHIJ", timestamp: 1_733_380_000_000)
        #expect(query == "sysKey=ABCDEFGHIJ&timestamp=1733380000000&serialNo=1170012345")
        let signature = PaxstoreSigning.signature(query: query, secret: "p4x-s3cret")
        #expect(signature == "47307C2328B5FE96AD9086AA17B21215B64D38AF5D371E0528C168498A7C856B")
        #expect(signature == (try openssl(query, "p4x-s3cret")))
        #expect(PaxstoreSigning.isValid(signature: signature, query: query, secret: "p4x-s3cret"))
        #expect(PaxstoreSigning.isValid(signature: signature.lowercased(), query: query, secret: "p4x-s3cret"))
        #expect(!PaxstoreSigning.isValid(signature: signature, query: query + "1", secret: "p4x-s3cret"))
        #expect(!PaxstoreSigning.isValid(signature: signature, query: query, secret: "p4x-s3creT"))
        #expect(!PaxstoreSigning.isValid(signature: "", query: query, secret: "p4x-s3cret"))
    }

    @Test func spacesAndChineseArePercentEncodedBeforeSigning() throws {
        let query = PaxstoreSigning.query(
            [("orderBy", "a.created_date DESC"), ("merchantName", "广州 store")],
            key: "ABCDEFGHIJ",
            timestamp: 1_733_380_000_000
        )
        #expect(query.hasSuffix("orderBy=a.created_date%20DESC&merchantName=%E5%B9%BF%E5%B7%9E%20store"))
        let signature = PaxstoreSigning.signature(query: query, secret: "p4x-s3cret")
        #expect(signature == "1EF9177B922C95751FFF809A8572DDA4808DAD68E96D2AE62AFCB98B72468194")
        #expect(signature == (try openssl(query, "p4x-s3cret")))
    }

    func classify(_ status: Int, _ body: String) -> PaxstoreAnswer {
        PaxstoreAnswer.classify(status: status, body: Data(body.utf8))
    }

    @Test func everyBusinessCodeMeansWhatItSays() {
        #expect(classify(200, #"{"businessCode":0,"data":{"id":1}}"#) == .ok)
        #expect(classify(400, #"{"businessCode":2022,"message":"pending"}"#) == .alreadyPushed(code: 2022))
        #expect(classify(400, #"{"businessCode":2023,"message":"active"}"#) == .alreadyPushed(code: 2023))
        #expect(classify(400, #"{"businessCode":2037,"message":"App not installed"}"#) == .notInstalled)
        #expect(
            classify(401, #"{"businessCode":129,"message":"Authentication failed"}"#)
                == .authenticationFailed("Authentication failed")
        )
        #expect(classify(200, #"{"businessCode":129}"#) == .authenticationFailed("authentication failed"))
        #expect(classify(429, "") == .throttled)
        #expect(classify(200, #"{"businessCode":429}"#) == .throttled)
        #expect(
            classify(400, #"{"businessCode":2028,"message":"Terminal not found"}"#)
                == .terminalNotFound("Terminal not found")
        )
        #expect(classify(503, "<html>") == .transient("HTTP 503"))
        #expect(classify(200, "not json") == .transient("an answer without a businessCode"))
        #expect(
            classify(400, #"{"businessCode":997,"message":"bad","validationErrors":["limit\nmust be 1-100"]}"#)
                == .refused(code: 997, message: "bad; limit must be 1-100")
        )
        // A 0 with an error status is not success.
        #expect(classify(400, #"{"businessCode":0}"#) == .refused(code: 0, message: ""))
    }

    @Test func pushTasksReadAsUpdateStates() {
        #expect(PaxstorePushState(actionStatus: 0, errorCode: nil)?.word == "pending")
        #expect(PaxstorePushState(actionStatus: 4, errorCode: nil) == .pending("waiting for the terminal to check in"))
        #expect(PaxstorePushState(actionStatus: 1, errorCode: nil) == .applying)
        #expect(PaxstorePushState(actionStatus: 2, errorCode: nil) == .done)
        #expect(
            PaxstorePushState(actionStatus: 3, errorCode: 9)
                == .failed("task expired: the terminal never checked in before the push expired (errorCode 9)")
        )
        #expect(PaxstorePushState(actionStatus: 3, errorCode: nil) == .failed("failed without an error code"))
        #expect(PaxstorePushState(actionStatus: 5, errorCode: nil) == nil)
        #expect(PaxstorePushState(actionStatus: nil, errorCode: nil) == nil)
    }
}
