import HTTPTypes
import Hummingbird
import SmoleRecords

/// An RFC 9457 `application/problem+json` error reply carrying a DESIGN error `code`.
public struct Problem: Error, Sendable, CustomStringConvertible {
    /// The HTTP status of the reply.
    public var status: HTTPResponse.Status
    /// The record error code the client turns the reply into (`code` member).
    public var code: ErrorCode
    /// What went wrong with this request (`detail` member, RFC 9457 §3.1.4).
    public var detail: String
    /// Seconds; always set for 429 and 503.
    public var retryAfter: Int?

    /// A problem reply. A 429 or 503 without `retryAfter` gets 1 second, so a client always has a `Retry-After` to wait
    /// (RFC 9110 §10.2.3).
    public init(_ status: HTTPResponse.Status, _ code: ErrorCode, _ detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfter = retryAfter
        if retryAfter == nil, status == .tooManyRequests || status == .serviceUnavailable { self.retryAfter = 1 }
    }

    /// `STATUS code: detail`, for the request log.
    public var description: String { "\(status.code) \(code.rawValue): \(detail)" }

    /// The problem+json body (RFC 9457 §3.1): `type` (`urn:smole:problem:CODE`), `title`, `status`, `detail`, and the
    /// extension members `code` and `retryable`.
    public var json: JSONValue {
        var o = JSONObject()
        o["type"] = .string("urn:smole:problem:\(code.rawValue)")
        o["title"] = .string(status.reasonPhrase.isEmpty ? code.summary : status.reasonPhrase)
        o["status"] = .number(String(status.code))
        o["detail"] = .string(detail)
        o["code"] = .string(code.rawValue)
        o["retryable"] = .bool(code.defaultRetryable || status == .serviceUnavailable || status == .tooManyRequests)
        return .object(o)
    }

    /// The reply: the status, `Content-Type: application/problem+json`, `Retry-After` in seconds when set, and the JSON
    /// body.
    public var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSON.serializeBytes(json))))
    }

    /// The problem for an error Hummingbird raised itself (unknown route, bad method, ...).
    static func from(_ error: any Error) -> Problem {
        if let p = error as? Problem { return p }
        if let h = error as? HTTPError {
            let code: ErrorCode =
                switch h.status.code {
                case 401: .unauthorized
                case 403: .forbidden
                case 404: .notFound
                case 413: .tooLarge
                case 429: .rateLimited
                case 400..<500: .badRecord
                default: .serverError
                }
            return Problem(h.status, code, h.body ?? h.status.reasonPhrase)
        }
        if let r = error as? any HTTPResponseError {
            return Problem(r.status, r.status.code >= 500 ? .serverError : .badRecord, r.status.reasonPhrase)
        }
        return Problem(.internalServerError, .serverError, "the server failed: \(error)")
    }
}

func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = HTTPFields())
    -> Response
{
    var headers = extra
    headers[.contentType] = "application/json"
    var bytes = JSON.serializeBytes(value)
    bytes.append(0x0A)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}
