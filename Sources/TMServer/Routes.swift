import Formats
import Foundation
import Glossary
import Hummingbird
import Reports
import Segmentation
import StoreSupport
import MemoryStores

/// tmkit's JSON API, version 1 (`/v1/…`), as `Assets/openapi.yaml` describes it.
enum Routes {
    static func add(to router: Router<TMContext>, hub: Hub) {
        let limit = hub.configuration.maxJSONBytes

        // MARK: Service

        router.get("/healthz") { _, _ in
            Response.json(.object([("status", .string("ok")), ("memories", .int(hub.memories.count)), ("glossaries", .int(hub.glossaries.count))]))
        }
        router.get("/metrics") { _, _ in
            let counts = hub.memories.map { ($0.name, $0.units()) }
            return Response.text(hub.metrics.render(memoryUnits: counts), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        WebAssets.add(to: router)

        router.get("/v1/me") { _, context in
            Response.json(.object([
                ("token", context.token.map { .string($0.name) } ?? .null),
                ("publicRead", .bool(hub.configuration.publicRead)),
                ("memories", .array(hub.memories.compactMap { m in
                    hub.role(context, .memory, m.name).map { .object([("name", .string(m.name)), ("role", .string($0.rawValue))]) }
                })),
                ("glossaries", .array(hub.glossaries.compactMap { g in
                    hub.role(context, .glossary, g.name).map { .object([("name", .string(g.name)), ("role", .string($0.rawValue))]) }
                })),
            ]))
        }

        // MARK: Memories

        router.get("/v1/memories") { _, context in
            let list = hub.readableMemories(context)
            if list.isEmpty && context.token == nil && !hub.memories.isEmpty {
                throw APIError(.unauthorized, "sign in: send a token as 'Authorization: Bearer …'")
            }
            return Response.json(.array(list.map { m in
                .object([("name", .string(m.name)), ("units", .int(m.units())), ("role", .string(hub.role(context, .memory, m.name)!.rawValue))])
            }))
        }

        router.get("/v1/memories/:memory/stats") { _, context in
            let m = try hub.memory(context, .read)
            let stats = try await hub.onStore(m) { try $0.stats() }
            return Response.json(JSONOut.stats(stats))
        }

        router.get("/v1/memories/:memory/lookup") { request, context in
            let m = try hub.memory(context, .read)
            let q = Query(request.uri.query)
            let text = try q.string("text", required: true)!
            var options = LookupOptions(threshold: try q.int("threshold", default: 75, in: 0...100), limit: try q.int("limit", default: 5, in: 1...100),
                                        exhaustive: try q.bool("exhaustive"))
            options.contextPrevious = try q.string("contextPrev")
            options.contextNext = try q.string("contextNext")
            let (src, tgt) = (try q.language("sourceLang")!, try q.language("targetLang")!)
            let matches = try await hub.lookup(m, [text], src, tgt, options, context: false)
            return Response.json(raw: JSONOut.matches(matches[0], pretty: false))
        }

        router.post("/v1/memories/:memory/lookup") { request, context in
            let m = try hub.memory(context, .read)
            let f = try await Fields.read(request, limit: limit)
            let (src, tgt) = (try f.language("sourceLang"), try f.language("targetLang"))
            var options = LookupOptions(threshold: try f.int("threshold", default: 75, in: 0...100), limit: try f.int("limit", default: 5, in: 1...100),
                                        exhaustive: try f.bool("exhaustive"))
            options.contextPrevious = try f.string("contextPrev")
            options.contextNext = try f.string("contextNext")
            if let texts = try f.strings("texts") {
                if f.object["text"] != nil { throw APIError.badRequest("give 'text' or 'texts', not both", field: "texts") }
                guard texts.count <= hub.configuration.maxBatch else {
                    throw APIError(.contentTooLarge, "a batch holds at most \(hub.configuration.maxBatch) texts (--max-batch)", field: "texts")
                }
                let results = try await hub.lookup(m, texts, src, tgt, options, context: try f.bool("context"))
                return Response.json(raw: "[" + results.map { JSONOut.matches($0, pretty: false) }.joined(separator: ",") + "]")
            }
            let text = try f.requiredString("text", allowEmpty: true)
            let matches = try await hub.lookup(m, [text], src, tgt, options, context: false)
            return Response.json(raw: JSONOut.matches(matches[0], pretty: false))
        }

        router.get("/v1/memories/:memory/concordance") { request, context in
            let m = try hub.memory(context, .read)
            let q = Query(request.uri.query)
            let phrase = try q.string("q", required: true)!
            let src = try q.language("sourceLang")!
            let tgt = try q.language("targetLang", required: false)
            let side = q["side"] ?? "source"
            guard side == "source" || side == "target" else { throw APIError.badRequest("'side' must be source or target", field: "side") }
            if side == "target" && tgt == nil { throw APIError.badRequest("side=target needs targetLang", field: "targetLang") }
            let max = try q.int("limit", default: 20, in: 1...500)
            let hits = try await hub.onStore(m) { try $0.concordance(phrase, sourceLanguage: src, targetLanguage: tgt, searchTarget: side == "target", limit: max) }
            return Response.json(raw: JSONOut.concordance(hits))
        }

        router.get("/v1/memories/:memory/units") { request, context in
            let m = try hub.memory(context, .read)
            let q = Query(request.uri.query)
            let lang = try q.language("lang", required: false)
            let (max, offset) = (try q.int("limit", default: 100, in: 1...1000), try q.int("offset", default: 0, in: 0...Int(Int32.max)))
            let units = try await hub.onStore(m) { try $0.units(language: lang, limit: max, offset: offset) }
            return Response.json(raw: JSONOut.units(units))
        }

        router.post("/v1/memories/:memory/units") { request, context in
            let m = try hub.memory(context, .write)
            let f = try await Fields.read(request, limit: limit)
            let unit = try UnitFields.unit(f, user: context.token?.name)
            let overwrite = try f.bool("overwrite")
            let (id, report) = try await hub.onStore(m, write: true) { store -> (Int64, WriteReport) in
                var id: Int64 = 0
                let report = try store.transaction(overwrite: overwrite, bulk: false) { id = try $0.add(unit) }
                return (id, report)
            }
            m.forgetCount()
            hub.metrics.added(1)
            let result = report.added > 0 ? "added" : report.merged > 0 ? "merged" : report.replaced > 0 ? "replaced" : "alternative"
            let stored = try await hub.onStore(m) { try $0.unit(id: id) }
            return Response.json(.object([("id", .int(Int(id))), ("result", .string(result)), ("unit", stored.map(JSONOut.unitObject) ?? .null)]),
                                 status: report.added > 0 ? .created : .ok)
        }

        router.get("/v1/memories/:memory/units/:id") { _, context in
            let m = try hub.memory(context, .read)
            let id = try unitID(context)
            guard let unit = try await hub.onStore(m, { try $0.unit(id: id) }) else { throw APIError.notFound("no unit \(id) in memory '\(m.name)'") }
            return Response.json(JSONOut.unitObject(unit))
        }

        router.put("/v1/memories/:memory/units/:id") { request, context in
            let m = try hub.memory(context, .write)
            let id = try unitID(context)
            let f = try await Fields.read(request, limit: limit)
            let unit = try UnitFields.unit(f, user: context.token?.name)
            // The unit is replaced in one transaction: the old one removed, the new one added (a new id).
            let newID = try await hub.onStore(m, write: true) { store -> Int64? in
                var newID: Int64?
                _ = try store.transaction(overwrite: true, bulk: false) { w in
                    guard try w.remove(id: id) else { return }
                    newID = try w.add(unit)
                }
                return newID
            }
            guard let newID else { throw APIError.notFound("no unit \(id) in memory '\(m.name)'") }
            let stored = try await hub.onStore(m) { try $0.unit(id: newID) }
            return Response.json(.object([("id", .int(Int(newID))), ("replaced", .int(Int(id))), ("unit", stored.map(JSONOut.unitObject) ?? .null)]))
        }

        router.delete("/v1/memories/:memory/units/:id") { _, context in
            let m = try hub.memory(context, .write)
            let id = try unitID(context)
            guard try await hub.onStore(m, write: true, { try $0.removeUnit(id: id) }) else { throw APIError.notFound("no unit \(id) in memory '\(m.name)'") }
            m.forgetCount()
            return Response.json(.object([("id", .int(Int(id))), ("removed", .bool(true))]))
        }

        router.post("/v1/memories/:memory/import") { request, context in
            let m = try hub.memory(context, .write)
            return try await Transfers.importUnits(request, memory: m, hub: hub)
        }

        router.get("/v1/memories/:memory/export") { request, context in
            let m = try hub.memory(context, .read)
            return try Transfers.exportUnits(request, memory: m, hub: hub)
        }

        // MARK: Glossaries

        router.get("/v1/glossaries") { _, context in
            Response.json(.array(hub.glossaries.compactMap { g in
                hub.role(context, .glossary, g.name).map { .object([("name", .string(g.name)), ("role", .string($0.rawValue))]) }
            }))
        }

        router.get("/v1/glossaries/:glossary/entries") { request, context in
            let g = try hub.glossary(context, .read)
            let q = Query(request.uri.query)
            let search = try q.string("q")
            let lang = try q.language("lang", required: false)
            let max = try q.int("limit", default: 200, in: 1...10_000)
            let entries = try await hub.onGlossary(g) { store in
                if let search { return try store.search(search) }
                return try store.entries(language: lang)
            }
            let filtered = lang.map { l in entries.filter { !$0.terms(in: l).isEmpty } } ?? entries
            return Response.json(.array(filtered.prefix(max).map(JSONOut.entry)))
        }

        router.post("/v1/glossaries/:glossary/entries") { request, context in
            let g = try hub.glossary(context, .write)
            let f = try await Fields.read(request, limit: limit)
            let (sl, tl) = (try f.language("sourceLang"), try f.language("targetLang"))
            let (s, t) = (try f.requiredString("source"), try f.requiredString("target"))
            let status = try f.string("status").map { v -> Term.Status in
                guard let st = Term.Status(rawValue: v) else { throw APIError.badRequest("'status' must be preferred, admitted, deprecated or forbidden", field: "status") }
                return st
            }
            let (note, domain) = (try f.string("note"), try f.string("domain"))
            let result = try await hub.onGlossary(g, write: true) {
                try $0.add(source: Term(language: sl, text: s), target: Term(language: tl, text: t, status: status), note: note, domain: domain)
            }
            let entry = try await hub.onGlossary(g) { try $0.entry(id: result.entryID) }
            let kind: String
            switch result.kind {
            case .added: kind = "added"
            case .updated: kind = "updated"
            case .addedBesideOther: kind = "addedBesideOther"
            }
            return Response.json(.object([("id", .int(Int(result.entryID))), ("result", .string(kind)), ("entry", entry.map(JSONOut.entry) ?? .null)]),
                                 status: result.kind == .updated ? .ok : .created)
        }

        router.get("/v1/glossaries/:glossary/entries/:id") { _, context in
            let g = try hub.glossary(context, .read)
            let id = try unitID(context)
            guard let e = try await hub.onGlossary(g, { try $0.entry(id: id) }) else {
                throw APIError.notFound("no entry \(id) in glossary '\(g.name)'")
            }
            return Response.json(JSONOut.entry(e))
        }

        router.patch("/v1/glossaries/:glossary/entries/:id") { request, context in
            let g = try hub.glossary(context, .write)
            let id = try unitID(context)
            let f = try await Fields.read(request, limit: limit)
            let lang = try f.optionalLanguage("lang")
            let text = try f.string("text")
            if text != nil && lang == nil { throw APIError.badRequest("a new 'text' needs the 'lang' of the term it changes", field: "lang") }
            if text?.trimmingCharacters(in: .whitespaces).isEmpty == true { throw APIError.badRequest("the field 'text' is empty", field: "text") }
            let status = try f.string("status").map { v -> Term.Status in
                guard let st = Term.Status(rawValue: v) else { throw APIError.badRequest("'status' must be preferred, admitted, deprecated or forbidden", field: "status") }
                return st
            }
            let (note, definition, domain) = (try f.string("note"), try f.string("definition"), try f.string("domain"))
            guard try await hub.onGlossary(g, write: true, { try $0.edit(id: id, language: lang, text: text, status: status, note: note, definition: definition, domain: domain) }) else {
                throw APIError.notFound("no entry \(id) in glossary '\(g.name)'")
            }
            let e = try await hub.onGlossary(g) { try $0.entry(id: id) }
            return Response.json(e.map(JSONOut.entry) ?? .null)
        }

        router.delete("/v1/glossaries/:glossary/entries/:id") { _, context in
            let g = try hub.glossary(context, .write)
            let id = try unitID(context)
            guard try await hub.onGlossary(g, write: true, { try $0.remove(id: id) }) else { throw APIError.notFound("no entry \(id) in glossary '\(g.name)'") }
            return Response.json(.object([("id", .int(Int(id))), ("removed", .bool(true))]))
        }

        router.post("/v1/glossaries/:glossary/find") { request, context in
            let g = try hub.glossary(context, .read)
            let f = try await Fields.read(request, limit: limit)
            let text = try f.requiredString("text", allowEmpty: true)
            let src = try f.language("sourceLang")
            let tgt = try f.optionalLanguage("targetLang")
            let matches = try await hub.onGlossary(g) { store -> [TermMatch] in
                try TermRecognizer(entries: try store.entries(language: src), language: src).find(in: text)
            }
            return Response.json(raw: JSONOut.termMatches(matches, targetLanguage: tgt))
        }

        router.post("/v1/glossaries/:glossary/import") { request, context in
            let g = try hub.glossary(context, .write)
            return try await Transfers.importGlossary(request, glossary: g, hub: hub)
        }

        router.get("/v1/glossaries/:glossary/export") { request, context in
            let g = try hub.glossary(context, .read)
            let q = Query(request.uri.query)
            let format = q["format"] ?? "tbx"
            guard format == "tbx" || format == "tsv" else { throw APIError.badRequest("'format' must be tbx or tsv", field: "format") }
            let src = try q.language("sourceLang")!
            let tgt = try q.language("targetLang", required: format == "tsv")
            let body = try await hub.onGlossary(g) { store -> String in
                let entries = try store.entries(language: src)
                return format == "tbx" ? TBX.write(entries, sourceLanguage: src) : GlossaryTSV.write(entries, sourceLanguage: src, targetLanguage: tgt!)
            }
            var r = Response.text(body, type: format == "tbx" ? "application/x-tbx+xml; charset=utf-8" : "text/tab-separated-values; charset=utf-8")
            r.headers[.contentDisposition] = "attachment; filename=\"\(g.name).\(format)\""
            return r
        }

        // MARK: Segmentation

        router.post("/v1/segment") { request, _ in
            let f = try await Fields.read(request, limit: limit)
            let text = try f.requiredString("text", allowEmpty: true)
            let lang = try f.language("lang")
            let format = try f.string("format") ?? "text"
            guard ["text", "html", "markdown"].contains(format) else { throw APIError.badRequest("'format' must be text, html or markdown", field: "format") }
            let segments = try await hub.workers.run { () -> [(String, Int, Int, Int)] in
                let segmenter = try SentenceSegmenter(language: lang)
                if format == "text" { return try segmenter.segment(text).map { ($0.text, $0.start, $0.end, $0.paragraph) } }
                let blocks = format == "html" ? HTMLText.blocks(text) : MarkdownText.blocks(text)
                var out: [(String, Int, Int, Int)] = []
                for (b, block) in blocks.enumerated() {
                    for s in try segmenter.segment(block.text) where s.end > s.start {
                        out.append((s.text, block.sourceStart[s.start], block.sourceEnd[s.end - 1], b))
                    }
                }
                return out
            }
            return Response.json(.array(segments.map {
                .object([("text", .string($0.0)), ("start", .int($0.1)), ("end", .int($0.2)), ("paragraph", .int($0.3))])
            }))
        }
    }

    static func unitID(_ context: TMContext) throws -> Int64 {
        guard let s = context.parameters.get("id"), let id = Int64(s), id > 0 else {
            throw APIError.badRequest("the id in the path must be a positive whole number", field: "id")
        }
        return id
    }
}

/// A unit from the fields of a request body (`POST /units`, `PUT /units/{id}`).
enum UnitFields {
    static func unit(_ f: Fields, user: String?) throws -> TranslationUnit {
        let (sl, tl) = (try f.language("sourceLang"), try f.language("targetLang"))
        let (source, target) = (try f.requiredString("source"), try f.requiredString("target"))
        var notes = try f.strings("notes") ?? []
        if let n = try f.string("note") { notes.append(n) }
        var props: [Property] = []
        if let p = f.object["props"], !(p is NSNull) {
            guard let list = p as? [[String: Any]] else { throw APIError.badRequest("'props' must be an array of {type, value}", field: "props") }
            for o in list {
                guard let t = o["type"] as? String, let v = o["value"] as? String, !t.isEmpty else {
                    throw APIError.badRequest("each of 'props' needs a type and a value (strings)", field: "props")
                }
                props.append(Property(type: t, value: v))
            }
        }
        return TranslationUnit(variants: [Variant(language: sl, text: source), Variant(language: tl, text: target)],
                               createdBy: try f.string("user") ?? user, originFile: try f.string("file"), originKey: try f.string("key"),
                               contextPrevious: try f.string("contextPrev"), contextNext: try f.string("contextNext"),
                               properties: props, notes: notes)
    }
}

extension Hub {
    /// Runs `body` on a worker with an open store of `memory`; a store's own failures (busy, full
    /// disk, read-only, damaged) become 503 with their explanation, a refused unit 400.
    /// - Parameter write: run on the memory's writer thread. SQLite lets one writer in at a time;
    ///   a write waiting for the lock must not hold a thread that lookups need (with two workers, two
    ///   adds waiting behind an import stalled every lookup for seconds).
    func onStore<T: Sendable>(_ memory: MemoryHandle, write: Bool = false, _ body: @escaping @Sendable (any TranslationMemoryStore) throws -> T) async throws -> T {
        try await on(memory, write: write, body)
    }

    func onGlossary<T: Sendable>(_ glossary: GlossaryHandle, write: Bool = false, _ body: @escaping @Sendable (any GlossaryStore) throws -> T) async throws -> T {
        try await on(glossary, write: write, body)
    }

    private func on<H: ServedStore, T: Sendable>(_ handle: H, write: Bool, _ body: @escaping @Sendable (H.Store) throws -> T) async throws -> T {
        try await (write ? handle.writer : workers).run {
            do {
                return try (write ? handle.pool : handle.readPool).with(body)
            } catch let e as StoreFile.OpenError {
                throw StoreFailure(description: e.description)
            } catch let e as MemoryStores.OpenFailure {
                throw StoreFailure(description: e.description)
            } catch let e as PostgresStoreError {
                throw StoreFailure(description: e.description)
            } catch let e as MemoryError {
                throw APIError.badRequest(e.description)
            }
        }
    }

    /// Looks up each text; with `context`, each text's neighbours in `texts` are its context.
    func lookup(_ m: MemoryHandle, _ texts: [String], _ src: String, _ tgt: String, _ options: LookupOptions, context: Bool) async throws -> [[Match]] {
        let start = DispatchTime.now()
        let results = try await onStore(m) { store -> [[Match]] in
            if context {
                return try texts.indices.map { i in
                    var o = options
                    o.contextPrevious = i > 0 ? texts[i - 1] : nil
                    o.contextNext = i + 1 < texts.count ? texts[i + 1] : nil
                    return try store.lookup(texts[i], sourceLanguage: src, targetLanguage: tgt, options: o)
                }
            }
            var out: [[Match]] = []
            try store.lookupEach(texts, sourceLanguage: src, targetLanguage: tgt, options: options) { _, ms in out.append(ms) }
            return out
        }
        metrics.lookup(count: texts.count, seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        return results
    }
}
