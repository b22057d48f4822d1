import Foundation
import Testing
import _SmoleTestSupport

/// The layers of Package.swift (README, "Architecture"): smole-ls, smole-csv, smole-sql, smole-summary and
/// smole-retry link only SmoleRecords and SmoleTools, and smole-route adds the engine, which reaches the backend
/// contract (SmoleBackend) and not the API client, so no networking code (SwiftNIO, AsyncHTTPClient) is in their
/// binaries. A module linked into a Swift binary leaves its name in the symbol table and the type
/// metadata (mangled names such as `7NIOCore...`), so the bytes of the binary are searched as `strings | grep`
/// would; smole-extract, which links the API client, shows that the same search finds them where they are.
@Suite("Linked layers")
struct LinkedLayerTests {
    /// Module names of the networking stack.
    static let networking = ["NIOCore", "NIOPosix", "NIOHTTP1", "AsyncHTTPClient"]

    /// The networking modules whose names occur in the built binary `tool`.
    func networkingModules(in tool: String) throws -> Set<String> {
        let binary = try Data(contentsOf: URL(fileURLWithPath: Binaries.path(tool)), options: .alwaysMapped)
        try #require(binary.count > 1 << 20, "\(tool) is not a built binary")
        return Set(Self.networking.filter { binary.range(of: Data($0.utf8)) != nil })
    }

    @Test(arguments: ["smole-ls", "smole-csv", "smole-sql", "smole-summary", "smole-retry", "smole-route"])
    func recordToolsLinkNoNetworking(tool: String) throws {
        #expect(try networkingModules(in: tool) == [])
    }

    @Test func theClientLinksNetworking() throws {
        #expect(try networkingModules(in: "smole-extract") == Set(Self.networking))
    }
}
