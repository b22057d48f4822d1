/// The closed set of error codes a record's `error.code` may hold (DESIGN.md).
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    case badRecord = "bad_record"
    case noSchema = "no_schema"
    case notFound = "not_found"
    case unreadable
    case unsupportedType = "unsupported_type"
    case tooLarge = "too_large"
    case unauthorized
    case forbidden
    case quotaExhausted = "quota_exhausted"
    case rateLimited = "rate_limited"
    case serverError = "server_error"
    case network
    case timeout
    case badResponse = "bad_response"
    case jobFailed = "job_failed"
    case jobExpired = "job_expired"
    case cancelled
    case engineUnavailable = "engine_unavailable"
    case engineFailed = "engine_failed"
    case nothingExtracted = "nothing_extracted"

    /// Whether the code says something about the document itself (missing, unreadable, of a kind no text source
    /// reads), so that every later stage would fail on it the same way: smole-route passes such a failure on as the
    /// record's error and smole-extract keeps it instead of reporting `no_schema`.
    public var isDocumentFault: Bool {
        switch self {
        case .notFound, .unreadable, .unsupportedType: true
        default: false
        }
    }

    /// Whether a failure with this code is worth retrying by default.
    public var defaultRetryable: Bool {
        switch self {
        case .rateLimited, .serverError, .network, .timeout, .badResponse, .jobExpired, .cancelled: true
        default: false
        }
    }

    /// A one-line English explanation of the code; smole-serve gives it as a problem reply's `title` when the HTTP
    /// status has no reason phrase.
    public var summary: String {
        switch self {
        case .badRecord: "an input line was not a valid record"
        case .noSchema: "no schema was assigned to the document"
        case .notFound: "the file does not exist"
        case .unreadable: "the file could not be read (permissions, directory, corrupt or encrypted)"
        case .unsupportedType: "no text source handles this kind of file"
        case .tooLarge: "the file is over the size limit"
        case .unauthorized: "the API key was missing or rejected (401)"
        case .forbidden: "the API key may not do this (403)"
        case .quotaExhausted: "the account's quota is used up (402)"
        case .rateLimited: "the server asked the client to slow down (429)"
        case .serverError: "the server failed (5xx)"
        case .network: "the connection failed or was reset"
        case .timeout: "the document's deadline passed"
        case .badResponse: "the server's reply could not be understood"
        case .jobFailed: "the server reported that the job failed"
        case .jobExpired: "the server no longer knows the job (404 after it was seen)"
        case .cancelled: "the run was interrupted while the document was in flight"
        case .engineUnavailable: "a program the local engine needs is not installed"
        case .engineFailed: "the local engine failed on this document"
        case .nothingExtracted: "the backend ran, but found no field of the schema in the document"
        }
    }
}

/// The `error` object of a record.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The machine-readable kind of failure; serialized as `error.code`.
    public var code: ErrorCode
    /// Human-readable detail naming the cause (a path, an HTTP status, a program's stderr line).
    public var message: String
    /// Whether running the document again may succeed; serialized as `error.retryable`. `smole-retry` re-queues only
    /// these by default.
    public var retryable: Bool
    /// The HTTP status the server answered with, when the failure came from a response; serialized as
    /// `error.http_status`.
    public var httpStatus: Int?

    /// Makes an error record; `retryable` defaults to the code's `ErrorCode.defaultRetryable`.
    public init(_ code: ErrorCode, _ message: String, retryable: Bool? = nil, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.retryable = retryable ?? code.defaultRetryable
        self.httpStatus = httpStatus
    }

    /// `code: message`, as the tools print it on stderr.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The record's `error` object: `{"code", "message", "retryable", "http_status"?}` in that key order.
    public var json: JSONValue {
        var o = JSONObject()
        o["code"] = .string(code.rawValue)
        o["message"] = .string(message)
        o["retryable"] = .bool(retryable)
        if let httpStatus { o["http_status"] = .number(String(httpStatus)) }
        return .object(o)
    }

    /// Reads an `error` object from a record; unknown codes are kept as `nil` code.
    public init?(json: JSONValue?) {
        guard let o = json?.objectValue, let c = o["code"]?.stringValue, let code = ErrorCode(rawValue: c) else {
            return nil
        }
        self.code = code
        self.message = o["message"]?.stringValue ?? ""
        self.retryable = o["retryable"]?.boolValue ?? code.defaultRetryable
        self.httpStatus = o["http_status"]?.intValue
    }
}

/// Exit statuses shared by every tool (DESIGN.md, sysexits-style).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case ok = 0
    case someErrors = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case ioError = 74
    case retryable = 75
    case unauthorized = 77
    case sigint = 130
    case sigterm = 143

    /// A short English meaning of the status (its sysexits.h name, or the shell's 128 + signal).
    public var meaning: String {
        switch self {
        case .ok: "every record ok"
        case .someErrors: "the run finished, but some records are errors"
        case .usage: "usage"
        case .dataError: "unreadable input data"
        case .noInput: "a named input is missing"
        case .unavailable: "backend unavailable"
        case .ioError: "I/O error"
        case .retryable: "only retryable failures remain"
        case .unauthorized: "unauthorized"
        case .sigint: "interrupted (SIGINT)"
        case .sigterm: "terminated (SIGTERM)"
        }
    }
}
