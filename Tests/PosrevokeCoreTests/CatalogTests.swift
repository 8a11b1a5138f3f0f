import Foundation
import PosrevokeCore
import Testing

@Suite("Journal message catalog")
struct CatalogTests {
    @Test("deploy/posrevoke.catalog explains every MESSAGE_ID exactly once, and nothing else")
    func everyIDHasOneEntry() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let catalog = try String(contentsOf: root.appendingPathComponent("deploy/posrevoke.catalog"), encoding: .utf8)
        let headers = catalog.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map { String($0.dropFirst(3)) }
        #expect(headers.sorted() == MessageID.all.sorted())
        #expect(Set(MessageID.all).count == MessageID.all.count)
        #expect(MessageID.all.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        #expect(AlertKind.allCases.allSatisfy { MessageID.all.contains($0.messageID) })
    }
}
