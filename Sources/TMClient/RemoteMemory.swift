import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TranslationMemory

/// A memory on a `tmkit serve` server, through its JSON API (`/v1/memories/NAME/…`): the same
/// lookups, units and counts as a `MemoryStore`, so that the command line prints the same output
/// for either.
public final class RemoteMemory: MemoryLookup, @unchecked Sendable {
    /// The server's address (`http://host:8080`).
    public let base: URL
    /// The memory's name on the server.
    public let name: String
    private let token: String?
    private let session: URLSession

    /// A failure: the server could not be reached, or it refused the request (its message).
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int?
        public let description: String
        public let line: Int?
    }

    /// `url` is the server (`http://host:8080`) or one of its memories (`http://host:8080/v1/memories/news`).
    public init(url: String, memory: String?, token: String?) throws {
        guard var components = URLComponents(string: url), let scheme = components.scheme, ["http", "https"].contains(scheme.lowercased()),
              components.host != nil else {
            throw Failure(status: nil, description: "--server '\(url)': expected a URL like http://host:8080", line: nil)
        }
        var name = memory ?? "default"
        let parts = components.path.split(separator: "/").map(String.init)
        if let k = parts.firstIndex(of: "memories"), k + 1 < parts.count {
            name = memory ?? parts[k + 1]
            components.path = "/" + parts[..<max(0, k - (k > 0 && parts[k - 1] == "v1" ? 1 : 0))].joined(separator: "/")
        }
        if components.path == "/" { components.path = "" }
        components.query = nil
        guard let base = components.url else { throw Failure(status: nil, description: "--server '\(url)': not a URL", line: nil) }
        self.base = base
        self.name = name
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 300
        session = URLSession(configuration: configuration)
    }

    /// Where the server and memory are, for messages.
    public var description: String { "\(base.absoluteString)/v1/memories/\(name)" }

    // MARK: Requests

    private func url(_ path: String, _ query: [(String, String?)] = []) -> URL {
        var c = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        c.percentEncodedPath = c.percentEncodedPath + "/v1/memories/" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name) + path
        let items = query.compactMap { k, v in v.map { URLQueryItem(name: k, value: $0) } }
        if !items.isEmpty {
            c.queryItems = items
            // '+' is a space to the server (as in forms): send it escaped.
            c.percentEncodedQuery = c.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        }
        return c.url!
    }

    private func request(_ method: String, _ url: URL, json: Any? = nil) -> URLRequest {
        var r = URLRequest(url: url)
        r.httpMethod = method
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            r.httpBody = try? JSONSerialization.data(withJSONObject: json)
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        return r
    }

    private final class Outcome: @unchecked Sendable {
        var data: Data?
        var response: URLResponse?
        var error: (any Error)?
        var file: URL?
    }

    /// Sends a request and waits for the answer; a refusal throws the server's message.
    private func send(_ r: URLRequest, upload file: String? = nil, downloadTo: String? = nil) throws -> Data {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task: URLSessionTask
        if let file {
            task = session.uploadTask(with: r, fromFile: URL(fileURLWithPath: file)) { d, resp, e in
                (outcome.data, outcome.response, outcome.error) = (d, resp, e)
                done.signal()
            }
        } else if let downloadTo {
            task = session.downloadTask(with: r) { tmp, resp, e in
                (outcome.response, outcome.error) = (resp, e)
                if let tmp, let http = resp as? HTTPURLResponse {
                    if http.statusCode == 200 {
                        unlink(downloadTo)
                        do { try FileManager.default.moveItem(at: tmp, to: URL(fileURLWithPath: downloadTo)) } catch { outcome.error = error }
                    } else {
                        outcome.data = try? Data(contentsOf: tmp)
                    }
                }
                done.signal()
            }
        } else {
            task = session.dataTask(with: r) { d, resp, e in
                (outcome.data, outcome.response, outcome.error) = (d, resp, e)
                done.signal()
            }
        }
        task.resume()
        done.wait()
        if let e = outcome.error {
            throw Failure(status: nil, description: "\(base.absoluteString): cannot reach the server (\(e.localizedDescription))", line: nil)
        }
        guard let http = outcome.response as? HTTPURLResponse else {
            throw Failure(status: nil, description: "\(base.absoluteString): no HTTP answer", line: nil)
        }
        let data = outcome.data ?? Data()
        guard (200..<300).contains(http.statusCode) else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let message = object?["error"] as? String ?? HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
            throw Failure(status: http.statusCode, description: "\(description): \(message) (HTTP \(http.statusCode))", line: object?["line"] as? Int)
        }
        return data
    }

    private func json(_ data: Data) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw Failure(status: nil, description: "\(description): the answer is not JSON", line: nil)
        }
    }

    // MARK: The memory

    public func lookup(_ query: String, sourceLanguage: String, targetLanguage: String?, options: LookupOptions) throws -> [Match] {
        try lookupEach([query], sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, options: options)[0]
    }

    /// Looks up many queries, in batches of 500 (one request each).
    public func lookupEach(_ queries: [String], sourceLanguage: String, targetLanguage: String?, options: LookupOptions) throws -> [[Match]] {
        var out: [[Match]] = []
        var start = 0
        repeat {
            let chunk = Array(queries[start..<min(queries.count, start + 500)])
            var body: [String: Any] = ["texts": chunk, "sourceLang": sourceLanguage, "targetLang": targetLanguage ?? sourceLanguage,
                                       "threshold": options.threshold, "limit": options.limit, "exhaustive": options.exhaustive]
            if let p = options.contextPrevious { body["contextPrev"] = p }
            if let n = options.contextNext { body["contextNext"] = n }
            let answer = try json(send(request("POST", url("/lookup"), json: body)))
            guard let lists = answer as? [[Any]], lists.count == chunk.count else { throw Failure(status: nil, description: "\(description): an unexpected answer to a lookup", line: nil) }
            out += try lists.map { try $0.map { try Decode.match($0) } }
            start += 500
        } while start < queries.count
        return out
    }

    public func concordance(_ phrase: String, sourceLanguage: String, targetLanguage: String?, searchTarget: Bool, limit: Int) throws -> [ConcordanceHit] {
        let answer = try json(send(request("GET", url("/concordance", [("q", phrase), ("sourceLang", sourceLanguage), ("targetLang", targetLanguage),
                                                                        ("side", searchTarget ? "target" : "source"), ("limit", String(limit))]))))
        guard let list = answer as? [Any] else { throw Failure(status: nil, description: "\(description): an unexpected answer", line: nil) }
        return try list.map(Decode.concordanceHit)
    }

    public func stats() throws -> MemoryStats {
        guard let o = try json(send(request("GET", url("/stats")))) as? [String: Any] else {
            throw Failure(status: nil, description: "\(description): an unexpected answer", line: nil)
        }
        let pairs = (o["pairs"] as? [[String: Any]] ?? []).map { (source: $0["source"] as? String ?? "", target: $0["target"] as? String ?? "", count: $0["units"] as? Int ?? 0) }
        let langs = (o["languages"] as? [[String: Any]] ?? []).map { (language: $0["language"] as? String ?? "", count: $0["variants"] as? Int ?? 0) }
        return MemoryStats(units: o["units"] as? Int ?? 0, variantsByLanguage: langs, unitsByPair: pairs)
    }

    /// Adds a unit: its id and what happened ("added", "merged", "replaced", "alternative").
    public func add(_ unit: TranslationUnit, overwrite: Bool) throws -> (id: Int64, result: String) {
        guard unit.variants.count >= 2 else { throw Failure(status: nil, description: "a unit needs a source and a target", line: nil) }
        var body: [String: Any] = ["sourceLang": unit.variants[0].language, "targetLang": unit.variants[1].language,
                                   "source": unit.variants[0].text, "target": unit.variants[1].text, "overwrite": overwrite,
                                   "notes": unit.notes, "props": unit.properties.map { ["type": $0.type, "value": $0.value] }]
        for (k, v) in [("key", unit.originKey), ("file", unit.originFile), ("contextPrev", unit.contextPrevious),
                       ("contextNext", unit.contextNext), ("user", unit.createdBy)] {
            if let v { body[k] = v }
        }
        guard let o = try json(send(request("POST", url("/units"), json: body))) as? [String: Any], let id = o["id"] as? Int else {
            throw Failure(status: nil, description: "\(description): an unexpected answer", line: nil)
        }
        return (Int64(id), o["result"] as? String ?? "added")
    }

    /// What a server import reports.
    public struct ImportReport: Sendable {
        public var read: Int, added: Int, alternatives: Int, merged: Int, replaced: Int
        public var skipped: [(line: Int, message: String)]
        public var warnings: [(line: Int, message: String)]
    }

    /// Sends a file to import (streamed from disk); the server stores it in one transaction.
    public func importFile(_ path: String, name: String, format: String, sourceLanguage: String?, targetLanguage: String?,
                           overwrite: Bool, skipBad: Bool, dryRun: Bool) throws -> ImportReport {
        var r = request("POST", url("/import", [("format", format), ("name", name), ("sourceLang", sourceLanguage), ("targetLang", targetLanguage),
                                                ("overwrite", overwrite ? "true" : nil), ("skipBad", skipBad ? "true" : nil),
                                                ("dryRun", dryRun ? "true" : nil)]))
        r.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        guard let o = try json(send(r, upload: path)) as? [String: Any] else { throw Failure(status: nil, description: "\(description): an unexpected answer", line: nil) }
        func lines(_ k: String) -> [(line: Int, message: String)] {
            (o[k] as? [[String: Any]] ?? []).map { (line: $0["line"] as? Int ?? 0, message: $0["message"] as? String ?? "") }
        }
        return ImportReport(read: o["read"] as? Int ?? 0, added: o["added"] as? Int ?? 0, alternatives: o["alternatives"] as? Int ?? 0,
                            merged: o["merged"] as? Int ?? 0, replaced: o["replaced"] as? Int ?? 0, skipped: lines("skipped"), warnings: lines("warnings"))
    }

    /// Downloads an export (TMX or TSV) into `path`.
    public func export(to path: String, format: String, sourceLanguage: String?, targetLanguage: String?, since: String?, filter: String?) throws {
        _ = try send(request("GET", url("/export", [("format", format), ("sourceLang", sourceLanguage), ("targetLang", targetLanguage),
                                                    ("since", since), ("filter", filter)])), downloadTo: path)
    }
}

/// Model values from the server's JSON (the renderings of `Reports.JSONOut`, read back).
enum Decode {
    static func fail(_ what: String) -> RemoteMemory.Failure { RemoteMemory.Failure(status: nil, description: "an unexpected answer: \(what)", line: nil) }

    /// "2026-11-26T04:35:12Z" (as `JSON.date` writes it).
    static func date(_ v: Any?) -> Date? {
        guard let s = v as? String else { return nil }
        let n = s.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard n.count == 6 else { return nil }
        var t = tm()
        (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec) = (Int32(n[0] - 1900), Int32(n[1] - 1), Int32(n[2]), Int32(n[3]), Int32(n[4]), Int32(n[5]))
        return Date(timeIntervalSince1970: TimeInterval(timegm(&t)))
    }

    static func unit(_ v: Any) throws -> TranslationUnit {
        guard let o = v as? [String: Any], let vs = o["variants"] as? [[String: Any]] else { throw fail("a unit") }
        return TranslationUnit(
            id: (o["id"] as? Int).map(Int64.init),
            variants: vs.map { Variant(canonicalLanguage: $0["lang"] as? String ?? "", text: $0["text"] as? String ?? "") },
            createdAt: date(o["created"]), createdBy: o["createdBy"] as? String, changedAt: date(o["changed"]), changedBy: o["changedBy"] as? String,
            originFile: o["file"] as? String, originKey: o["key"] as? String, contextPrevious: o["contextPrev"] as? String,
            contextNext: o["contextNext"] as? String, usageCount: o["usageCount"] as? Int ?? 0,
            properties: (o["props"] as? [[String: Any]] ?? []).map { Property(type: $0["type"] as? String ?? "", value: $0["value"] as? String ?? "") },
            notes: o["notes"] as? [String] ?? [])
    }

    static func match(_ v: Any) throws -> Match {
        guard let o = v as? [String: Any], let score = o["score"] as? Int, let source = o["source"] as? String, let sl = o["sourceLang"] as? String,
              let u = o["unit"] else { throw fail("a match") }
        let target = (o["target"] as? String).map { Variant(canonicalLanguage: o["targetLang"] as? String ?? "", text: $0) }
        let diff = (o["diff"] as? [[String: Any]] ?? []).compactMap { d -> FuzzyScorer.DiffOp? in
            guard let k = (d["op"] as? String).flatMap(FuzzyScorer.DiffOp.Kind.init(rawValue:)) else { return nil }
            return FuzzyScorer.DiffOp(kind: k, query: d["query"] as? String ?? "", match: d["match"] as? String ?? "")
        }
        return Match(unit: try unit(u), score: score, source: Variant(canonicalLanguage: sl, text: source), target: target, diff: diff,
                     penalties: o["penalties"] as? [String: Int] ?? [:], languageFallback: o["languageFallback"] as? Bool ?? false)
    }

    static func concordanceHit(_ v: Any) throws -> ConcordanceHit {
        guard let o = v as? [String: Any], let id = o["id"] as? Int, let source = o["source"] as? String, let sl = o["sourceLang"] as? String else {
            throw fail("a concordance hit")
        }
        let target = (o["target"] as? String).map { Variant(canonicalLanguage: o["targetLang"] as? String ?? "", text: $0) }
        let searchedTarget = o["side"] as? String == "target"
        let text = searchedTarget ? (target?.text ?? "") : source
        let scalars = text.unicodeScalars
        let ranges = (o["highlights"] as? [[String: Any]] ?? []).compactMap { h -> Range<String.Index>? in
            guard let s = h["start"] as? Int, let e = h["end"] as? Int, 0 <= s, s <= e, e <= scalars.count else { return nil }
            return scalars.index(scalars.startIndex, offsetBy: s)..<scalars.index(scalars.startIndex, offsetBy: e)
        }
        let unit = TranslationUnit(id: Int64(id), variants: [Variant(canonicalLanguage: sl, text: source)] + (target.map { [$0] } ?? []))
        return ConcordanceHit(unit: unit, source: Variant(canonicalLanguage: sl, text: source), target: target, ranges: ranges, searchedTarget: searchedTarget)
    }
}
