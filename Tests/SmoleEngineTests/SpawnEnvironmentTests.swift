import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The runner passes this process's environment on, with the caller's additions; the engine gives tesseract
/// one OpenMP thread (documents already run one per core).
@Suite struct SpawnEnvironmentTests {
    @Test func additionsReplaceAndTheRestIsInherited() async throws {
        let env = try #require(ExternalTool.locate("env"))
        let out = await Spawn.run(
            env, [], timeout: .seconds(20), outputLimit: 1 << 20,
            environment: ["SMOLE_SPAWN_TEST": "two words=and more", "PATH": "/opt/none:/usr/bin:/bin"])
        guard case .finished(let r) = out else { Issue.record("\(out)"); return }
        let lines = Set(r.text.split(separator: "\n").map(String.init))
        #expect(lines.contains("SMOLE_SPAWN_TEST=two words=and more"))
        #expect(lines.contains("PATH=/opt/none:/usr/bin:/bin"))
        #expect(lines.filter { $0.hasPrefix("PATH=") }.count == 1)
        if let home = ProcessInfo.processInfo.environment["HOME"] { #expect(lines.contains("HOME=\(home)")) }
    }

    @Test func tesseractRunsWithOneOpenMPThread() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // A stand-in tesseract: lists English, and "reads" an image as an invoice naming its thread limit.
        _ = try dir.writeExecutable(
            "bin/tesseract",
            """
            #!/bin/sh
            if [ "$1" = "--list-langs" ]; then printf 'List of available languages (1):\\neng\\n'; exit 0; fi
            printf 'INVOICE\\nInvoice No: OMP-%s\\nTotal: 12.00 EUR\\n' "${OMP_THREAD_LIMIT:-unset}"
            """)
        let png = try dir.write(
            "scan.png", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64))
        let engine = try Fixture.engine { $0.toolSearchPath = bin }
        let o = try await Fixture.extract(png, "invoice", engine: engine)
        #expect(o["invoice_number"] == "OMP-1")
    }
}
