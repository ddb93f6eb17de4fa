import Foundation
import HTTPTypes
import Hummingbird
import ICUText
import NIOCore
import Reports
import MemoryStores

/// A request refused with a status and a JSON body naming what is wrong:
/// `{"status": 400, "error": "…", "field": "sourceLang"}` (`field` and `line` when known).
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var field: String?
    var line: Int?

    init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, line: Int? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.line = line
    }

    var json: JSON {
        var o: [(String, JSON)] = [("status", .int(status.code)), ("error", .string(message))]
        if let field { o.append(("field", .string(field))) }
        if let line { o.append(("line", .int(line))) }
        return .object(o)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var r = Response.json(json, status: status)
        if status == .unauthorized { r.headers[.wwwAuthenticate] = "Bearer realm=\"tmkit\"" }
        return r
    }

    static func badRequest(_ message: String, field: String? = nil) -> APIError { APIError(.badRequest, message, field: field) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
}

extension Response {
    static func json(_ value: JSON, status: HTTPResponse.Status = .ok) -> Response {
        text(value.serialized(), status: status, type: "application/json; charset=utf-8")
    }

    static func json(raw: String, status: HTTPResponse.Status = .ok) -> Response {
        text(raw, status: status, type: "application/json; charset=utf-8")
    }

    static func text(_ s: String, status: HTTPResponse.Status = .ok, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type, .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: s)))
    }
}

/// The query of a URL: `+` and percent escapes decoded, as forms and URLSearchParams send them.
struct Query {
    private var values: [String: [String]] = [:]

    init(_ raw: String?) {
        guard let raw, !raw.isEmpty else { return }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Query.decode(parts[0])
            values[key, default: []].append(parts.count > 1 ? Query.decode(parts[1]) : "")
        }
    }

    static func decode(_ s: Substring) -> String {
        let plus = s.replacingOccurrences(of: "+", with: " ")
        return Query.percentDecoded(plus) ?? plus
    }

    /// Percent escapes decoded as UTF-8; nil when an escape is malformed or the bytes are not UTF-8.
    static func percentDecoded(_ s: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let hi = hex(it[it.startIndex]), let lo = hex(it[it.startIndex + 1]) else { return nil }
                bytes.append(hi << 4 | lo)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    subscript(_ key: String) -> String? { values[key]?.last }

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let v = self[key], !v.isEmpty else {
            if required { throw APIError.badRequest("the query parameter '\(key)' is missing", field: key) }
            return nil
        }
        return v
    }

    func int(_ key: String, default d: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let s = self[key], !s.isEmpty else { return d }
        guard let v = Int(s), range.contains(v) else {
            throw APIError.badRequest("'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)", field: key)
        }
        return v
    }

    func bool(_ key: String) throws -> Bool {
        guard let s = self[key]?.lowercased(), !s.isEmpty else { return false }
        switch s {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw APIError.badRequest("'\(key)' must be true or false", field: key)
        }
    }

    func language(_ key: String, required: Bool = true) throws -> String? {
        guard let v = try string(key, required: required) else { return nil }
        return try checkedLanguage(v, field: key)
    }
}

/// A well-formed BCP 47 tag, or a 400 naming the field.
func checkedLanguage(_ tag: String, field: String) throws -> String {
    guard LanguageTag.isWellFormed(tag) else {
        throw APIError.badRequest("'\(tag)' is not a BCP 47 language tag (like en, ru, pt-BR)", field: field)
    }
    return tag
}

/// The fields of a JSON object sent as a request body, with typed access that names the field
/// that is missing or of the wrong type.
struct Fields {
    let object: [String: Any]

    static func read(_ request: Request, limit: Int) async throws -> Fields {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "the request body is over the limit of \(limit) bytes (--max-json-bytes)")
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the request body is over the limit of \(limit) bytes (--max-json-bytes)")
        }
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw APIError.badRequest("the request needs a JSON object as its body") }
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw APIError.badRequest("the body is not valid JSON")
        }
        guard let object = value as? [String: Any] else { throw APIError.badRequest("the body must be a JSON object") }
        return Fields(object: object)
    }

    private func present(_ key: String) -> Any? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        return v
    }

    func string(_ key: String) throws -> String? {
        guard let v = present(key) else { return nil }
        guard let s = v as? String else { throw APIError.badRequest("'\(key)' must be a string", field: key) }
        return s
    }

    func requiredString(_ key: String, allowEmpty: Bool = false) throws -> String {
        guard let s = try string(key) else { throw APIError.badRequest("the field '\(key)' is missing", field: key) }
        if !allowEmpty && s.isEmpty { throw APIError.badRequest("the field '\(key)' is empty", field: key) }
        return s
    }

    func strings(_ key: String) throws -> [String]? {
        guard let v = present(key) else { return nil }
        guard let a = v as? [Any], let s = a as? [String] else { throw APIError.badRequest("'\(key)' must be an array of strings", field: key) }
        return s
    }

    func int(_ key: String, default d: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let v = present(key) else { return d }
        guard !(v is Bool), let n = v as? NSNumber, let i = Int(exactly: n.doubleValue), range.contains(i) else {
            throw APIError.badRequest("'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)", field: key)
        }
        return i
    }

    func bool(_ key: String) throws -> Bool {
        guard let v = present(key) else { return false }
        if let b = v as? Bool { return b }
        throw APIError.badRequest("'\(key)' must be true or false", field: key)
    }

    func language(_ key: String) throws -> String {
        try checkedLanguage(try requiredString(key), field: key)
    }

    func optionalLanguage(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        return try checkedLanguage(s, field: key)
    }
}
