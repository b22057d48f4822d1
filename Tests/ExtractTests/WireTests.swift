import Foundation
import SmoleBackend
import SmoleClient
import SmoleRecords
import Testing

/// One wire model: what smole-serve and the fake server write (`JobReply`) is what the client reads
/// (`APIBackend.jobState`), for every status of the contract.
@Suite struct WireTests {
    func read(_ reply: JobReply) throws -> JobState {
        let body = JSON.serializeBytes(reply.json)
        return APIBackend.jobState(
            try #require(try JSON.parse(body).objectValue), job: reply.id, retryAfter: .seconds(2))
    }

    @Test func everyStatusReadsBackAsWritten() throws {
        #expect(JobStatus.allCases.filter(\.isTerminal) == [.completed, .failed, .cancelled])
        for status in [JobStatus.queued, .running] {
            guard case .running(let hint) = try read(JobReply(id: "j", status: status, createdAt: 0, updatedAt: 1))
            else {
                Issue.record("\(status) is not read as running")
                continue
            }
            #expect(hint == .seconds(2))
        }

        let done = JobReply(
            id: "j", status: .completed, schemaId: "invoice",
            extraction: JobReply.extraction(data: ["total": 12.5], pages: PagesRead(read: 2, total: 9)),
            createdAt: 1_795_930_800, updatedAt: 1_795_930_800.25)
        guard case .completed(let data, _, let took, let pages) = try read(done) else {
            Issue.record("completed is not read as completed")
            return
        }
        #expect(data == ["total": 12.5])
        #expect(pages == PagesRead(read: 2, total: 9))
        #expect(abs((took?.seconds ?? 0) - 0.25) < 0.001)

        let failed = JobReply(
            id: "j", status: .failed, error: RecordError(.unsupportedType, "not a document", retryable: false),
            createdAt: 0, updatedAt: 1)
        guard case .ended(let e) = try read(failed) else {
            Issue.record("failed is not read as ended")
            return
        }
        #expect(e.code == .unsupportedType && !e.retryable && e.message.contains("not a document"))

        guard case .ended(let c) = try read(JobReply(id: "j", status: .cancelled, createdAt: 0, updatedAt: 1)) else {
            Issue.record("cancelled is not read as ended")
            return
        }
        #expect(c.code == .cancelled)
    }
}
