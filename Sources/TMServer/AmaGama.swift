import Foundation
import Hummingbird
import Reports
import MemoryStores

/// amaGama's API, so that Weblate (its amaGama and tmserver machinery), Pootle and Virtaal use
/// tmkit unchanged:
///
///     GET {base}/languages/                    {"sourceLanguages": [...], "targetLanguages": [...]}
///     GET {base}/{source}/{target}/unit/{text} [{"source", "target", "quality", "rank"}, ...]
///     GET {base}/{source}/{target}/unit/?source={text}
///
/// where {base} is `/tmserver` or `/api/v1` (every memory the caller may read), or
/// `/memories/{name}/tmserver` and `/memories/{name}/api/v1` (that memory alone). Tags may be
/// sent as Weblate does (`pt_br`, `zh_hans`); the text is percent-encoded in the path and may hold
/// `/`, `?`, `#`, `%` and line breaks. `?jsoncallback=f` answers JSONP. The path is read raw,
/// before routing, so that an encoded `/` stays part of the text.
struct AmaGamaMiddleware: RouterMiddleware {
    let hub: Hub

    func handle(_ request: Request, context: TMContext, next: (Request, TMContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        var rest: Substring
        var only: MemoryHandle?
        if path.hasPrefix("/tmserver/") || path == "/tmserver" {
            rest = path.dropFirst("/tmserver".count)
        } else if path.hasPrefix("/api/v1/") {
            rest = path.dropFirst("/api/v1".count)
        } else if path.hasPrefix("/memories/") {
            let after = path.dropFirst("/memories/".count)
            guard let slash = after.firstIndex(of: "/") else { return try await next(request, context) }
            let name = Query.percentDecoded(String(after[..<slash])) ?? ""
            let tail = after[slash...]
            if tail.hasPrefix("/tmserver/") { rest = tail.dropFirst("/tmserver".count) } else if tail.hasPrefix("/api/v1/") {
                rest = tail.dropFirst("/api/v1".count)
            } else { return try await next(request, context) }
            guard let m = hub.memories.first(where: { $0.name == name }) else { throw APIError.notFound("no memory named '\(name)'") }
            only = m
        } else {
            return try await next(request, context)
        }
        guard request.method == .get || request.method == .head else {
            throw APIError(.methodNotAllowed, "amaGama's API answers GET only")
        }
        context.coreContext.endpointPath.value = "amagama"
        let q = Query(request.uri.query)
        let callback = q["jsoncallback"]
        if let callback, callback.isEmpty || callback.count > 100 || !callback.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.$".contains($0)) }) {
            throw APIError.badRequest("'jsoncallback' must be a JavaScript name (letters, digits, _ . $)", field: "jsoncallback")
        }
        // (Every memory of readableMemories may be read: only the one a prefix names needs the check.)
        if let only { try hub.require(context, .read, .memory, only.name) }
        let memories = only.map { [$0] } ?? hub.readableMemories(context)
        if memories.isEmpty && context.token == nil && !hub.configuration.publicRead {
            throw APIError(.unauthorized, "sign in: send a token as 'Authorization: Bearer …'")
        }
        rest = rest.drop(while: { $0 == "/" })
        let parts = rest.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        if parts.first == "languages" && (parts.count == 1 || (parts.count == 2 && parts[1].isEmpty)) {
            return answer(try await languages(memories), callback: callback)
        }
        guard parts.count >= 3, parts[2] == "unit" else {
            throw APIError.notFound("amaGama's API has {source}/{target}/unit/{text} and languages/")
        }
        let src = try tag(parts[0], field: "source language")
        let tgt = try tag(parts[1], field: "target language")
        var text: String
        if parts.count == 4 && !parts[3].isEmpty {
            guard let t = Query.percentDecoded(String(parts[3])) else { throw APIError.badRequest("the text in the path is not percent-encoded UTF-8", field: "text") }
            text = t
        } else {
            guard let t = q["source"] else { throw APIError.badRequest("give the text in the path (unit/TEXT) or as ?source=", field: "source") }
            text = t
        }
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return answer(.array([]), callback: callback) }
        let threshold = try q.int("min_similarity", default: 70, in: 0...100)
        let max = try q.int("max_candidates", default: 5, in: 1...50)
        var found: [(Match, String)] = []
        for m in memories {
            let ms = try await hub.lookup(m, [text], src, tgt, LookupOptions(threshold: threshold, limit: max), context: false)[0]
            found += ms.map { ($0, m.name) }
        }
        found.sort { a, b in a.0.score != b.0.score ? a.0.score > b.0.score : a.1 < b.1 }
        var seen = Set<String>()
        var out: [JSON] = []
        for (match, memory) in found where out.count < max {
            guard let target = match.target else { continue }
            guard seen.insert(match.source.text + "\u{1F}" + target.text).inserted else { continue }
            let quality = min(100, match.score)
            out.append(.object([("source", .string(match.source.text)), ("target", .string(target.text)),
                                ("quality", .int(quality)), ("rank", .int(quality)), ("memory", .string(memory)), ("id", .int(Int(match.unit.id ?? 0)))]))
        }
        return answer(.array(out), callback: callback)
    }

    /// A tag as Weblate sends it (`pt_br`, `zh_hans`) in BCP 47 form (`pt-BR`, `zh-Hans`).
    func tag(_ raw: Substring, field: String) throws -> String {
        let s = (Query.percentDecoded(String(raw)) ?? "").replacingOccurrences(of: "_", with: "-")
        guard LanguageTag.isWellFormed(s) else { throw APIError.badRequest("'\(raw)' is not a language tag (like en, ru, pt_br)", field: field) }
        return LanguageTag.canonical(s)
    }

    func answer(_ value: JSON, callback: String?) -> Response {
        guard let callback else { return Response.json(value) }
        return Response.text("\(callback)(\(value.serialized()));", type: "application/javascript; charset=utf-8")
    }

    /// The languages of the memories, as Weblate's tmserver machinery asks for them: each tag in
    /// lower case with an underscore (`pt_br`) and its language alone (`pt`).
    func languages(_ memories: [MemoryHandle]) async throws -> JSON {
        var tags = Set<String>()
        for m in memories {
            for l in try await m.languages(hub: hub) {
                tags.insert(l.lowercased().replacingOccurrences(of: "-", with: "_"))
                tags.insert(LanguageTag.primary(l).lowercased())
            }
        }
        let list = JSON.array(tags.sorted().map(JSON.string))
        return .object([("sourceLanguages", list), ("targetLanguages", list)])
    }
}

extension MemoryHandle {
    /// The languages of the units (read once, then again at most every five minutes).
    func languages(hub: Hub) async throws -> [String] {
        if let cached = languageCache.get(maxAge: 300) { return cached }
        let langs = try await hub.onStore(self) { try $0.stats().variantsByLanguage.map(\.language) }
        languageCache.set(langs)
        return langs
    }
}

/// A value kept for a while.
final class Cached<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (T, Date)?
    func get(maxAge: TimeInterval) -> T? {
        lock.lock()
        defer { lock.unlock() }
        guard let (v, at) = value, Date().timeIntervalSince(at) < maxAge else { return nil }
        return v
    }
    func set(_ v: T) { lock.lock(); value = (v, Date()); lock.unlock() }
    func clear() { lock.lock(); value = nil; lock.unlock() }
}
