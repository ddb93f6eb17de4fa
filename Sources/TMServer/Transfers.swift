import Formats
import Foundation
import Glossary
import Hummingbird
import Reports
import StoreSupport
import MemoryStores

/// Imports and exports: request bodies spooled to a temporary file as they arrive (never held
/// whole in memory) and imported in one transaction; exports streamed from the store through a pipe.
enum Transfers {
    /// Writes the request body to a temporary file, refusing (413) a body over `limit` bytes.
    /// A client that stops sending is cut off by the idle timeout; nothing is imported then.
    static func spool(_ request: Request, limit: Int) async throws -> String {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("tmkit-upload-XXXXXX")
        var name = Array(template.utf8CString)
        let fd = mkstemp(&name)
        guard fd >= 0 else { throw StoreFailure(description: "cannot create a temporary file for the upload (\(String(cString: strerror(errno))))") }
        let path = String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var total = 0
        do {
            defer { close(fd) }
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total > limit {
                    throw APIError(.contentTooLarge, "the upload is over the limit of \(limit) bytes (--max-import-bytes); nothing was imported")
                }
                try buffer.withUnsafeReadableBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 && errno == EINTR { continue }
                        guard n > 0 else { throw StoreFailure(description: "cannot spool the upload (\(String(cString: strerror(errno))))") }
                        offset += n
                    }
                }
            }
        } catch {
            unlink(path)
            throw error
        }
        if total == 0 {
            unlink(path)
            throw APIError.badRequest("the request body is empty: send the file to import as the body")
        }
        return path
    }

    static func importUnits(_ request: Request, memory m: MemoryHandle, hub: Hub) async throws -> Response {
        let q = Query(request.uri.query)
        let name = q["name"] ?? "upload"
        let formatName = q["format"] ?? UnitFileFormat.byExtension(name)?.rawValue
        guard let formatName, let format = UnitFileFormat(rawValue: formatName) else {
            throw APIError.badRequest("give 'format' (tmx, tsv, po or mo), or a 'name' whose extension tells it", field: "format")
        }
        let reader = UnitFileReader(sourceLanguage: try q.language("sourceLang", required: false) ?? "en",
                                    targetLanguage: try q.language("targetLang", required: false), skipBad: try q.bool("skipBad"))
        let overwrite = try q.bool("overwrite")
        let dryRun = try q.bool("dryRun")
        let path = try await spool(request, limit: hub.configuration.maxImportBytes)
        defer { unlink(path) }
        let start = Date()
        struct Outcome: Sendable {
            var read = 0
            var report = WriteReport()
            var notices: [UnitFileReader.Notice] = []
        }
        let outcome: Outcome
        do {
            // On the memory's writer thread: adds sent meanwhile wait for the import in order, not
            // against SQLite's busy timeout. (A dry run stores nothing: a worker reads it.)
            outcome = try await (dryRun ? hub.workers : m.writer).run {
                var o = Outcome()
                do {
                    if dryRun {
                        o.read = try reader.read(path: path, name: name, format: format, notice: { o.notices.append($0) }) { _ in }
                        return o
                    }
                    try m.pool.with { store in
                        o.report = try atLowPriority { try store.transaction(overwrite: overwrite, bulk: true) { w in
                            try w.addStreaming(batchSize: 8192, depth: 8) { emit in
                                o.read = try reader.read(path: path, name: name, format: format, notice: { o.notices.append($0) }, emit)
                            }
                        } }
                    }
                } catch let e as StoreFile.OpenError {
                    throw StoreFailure(description: e.description)
                } catch let e as PostgresStoreError {
                    throw StoreFailure(description: e.description)
                }
                return o
            }
        } catch let e as FormatError {
            throw APIError(.unprocessableContent, e.description + " (nothing was imported)", line: e.line)
        } catch let e as MemoryError {
            throw APIError(.unprocessableContent, e.description + " (nothing was imported)")
        }
        m.forgetCount()
        hub.metrics.imported(outcome.read)
        let r = outcome.report
        return Response.json(.object([
            ("file", .string(name)), ("format", .string(format.rawValue)), ("read", .int(outcome.read)),
            ("added", .int(r.added)), ("alternatives", .int(r.alternatives)), ("merged", .int(r.merged)), ("replaced", .int(r.replaced)),
            ("dryRun", .bool(dryRun)),
            ("skipped", .array(outcome.notices.filter(\.skipped).map { .object([("line", .int($0.line)), ("message", .string($0.message))]) })),
            ("warnings", .array(outcome.notices.filter { !$0.skipped }.map { .object([("line", .int($0.line)), ("message", .string($0.message))]) })),
            ("seconds", .double((Date().timeIntervalSince(start) * 1000).rounded() / 1000)),
        ]))
    }

    static func exportUnits(_ request: Request, memory m: MemoryHandle, hub: Hub) throws -> Response {
        let q = Query(request.uri.query)
        var export = MemoryExport(toolVersion: hub.configuration.version)
        guard let format = MemoryExport.Format(rawValue: q["format"] ?? "tmx") else { throw APIError.badRequest("'format' must be tmx or tsv", field: "format") }
        export.format = format
        export.sourceLanguage = try q.language("sourceLang", required: false) ?? "*all*"
        export.targetLanguage = try q.language("targetLang", required: false)
        export.filter = try q.string("filter")
        if let since = try q.string("since") {
            guard let d = TMXDate.parse(since.replacingOccurrences(of: "-", with: "") + "T000000Z") else {
                throw APIError.badRequest("'since' must be a date like 2026-01-31", field: "since")
            }
            export.since = d
        }
        if let problem = export.problem { throw APIError.badRequest(problem, field: "targetLang") }
        let final = export
        let body = pipedBody(hub: hub) { fd in
            _ = try m.pool.with { store in try final.write(store, to: fd) }
        }
        let type = format == .tmx ? "application/x-tmx+xml; charset=utf-8" : "text/tab-separated-values; charset=utf-8"
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(m.name).\(format.rawValue)\""], body: body)
    }

    /// A response body that `produce` writes on a thread of its own into a pipe, read 256 KiB at a
    /// time: the export never waits whole in memory, and a slow client slows the producer (the pipe
    /// fills). A failure of the producer cuts the response off (the client sees it incomplete).
    static func pipedBody(hub: Hub, _ produce: @escaping @Sendable (Int32) throws -> Void) -> ResponseBody {
        ResponseBody { writer in
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw StoreFailure(description: "cannot create a pipe (\(String(cString: strerror(errno))))") }
            let (readEnd, writeEnd) = (fds[0], fds[1])
            let failure = ErrorBox()
            let producer = Thread {
                defer { close(writeEnd) }
                do { try produce(writeEnd) } catch { failure.set(error) }
            }
            producer.name = "tmkit-export"
            producer.start()
            defer { close(readEnd) }
            while true {
                let chunk: [UInt8] = try await hub.streamers.run {
                    var buf = [UInt8](repeating: 0, count: 256 << 10)
                    while true {
                        let n = buf.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                        if n < 0 && errno == EINTR { continue }
                        return n <= 0 ? [] : Array(buf[0..<n])
                    }
                }
                if chunk.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            if let e = failure.error {
                hub.logger.error("export failed: \(e)")
                throw e
            }
            try await writer.finish(nil)
        }
    }

    static func importGlossary(_ request: Request, glossary g: GlossaryHandle, hub: Hub) async throws -> Response {
        let q = Query(request.uri.query)
        let name = q["name"] ?? "upload"
        let lower = name.lowercased()
        let format = q["format"] ?? (lower.hasSuffix(".tbx") ? "tbx" : lower.hasSuffix(".csv") ? "csv" : lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") ? "tsv" : "")
        guard ["tbx", "tsv", "csv"].contains(format) else {
            throw APIError.badRequest("give 'format' (tbx, tsv or csv), or a 'name' whose extension tells it", field: "format")
        }
        let sl = try q.language("sourceLang", required: false)
        let tl = try q.language("targetLang", required: false)
        let path = try await spool(request, limit: hub.configuration.maxImportBytes)
        defer { unlink(path) }
        let count: Int
        do {
            count = try await g.writer.run {
                let entries: [TermEntry]
                if format == "tbx" {
                    let parser: XMLPullParser
                    do { parser = try XMLPullParser(path: path) } catch let e as XMLPullParser.ParseError {
                        throw FormatError(file: name, line: e.line > 0 ? e.line : nil, e.message)
                    }
                    entries = try TBX.read(parser, file: name)
                } else {
                    guard let data = FileManager.default.contents(atPath: path), let text = String(validating: [UInt8](data), as: UTF8.self) else {
                        throw FormatError(file: name, line: nil, "not UTF-8 text")
                    }
                    do {
                        entries = try GlossaryTSV.read(text, file: name, separator: format == "csv" ? "," : "\t", sourceLanguage: sl, targetLanguage: tl)
                    } catch let e as GlossaryTSV.ParseError {
                        throw FormatError(file: e.file, line: e.line, e.message)
                    }
                }
                do { try g.pool.with { try $0.insert(entries) } } catch let e as StoreFile.OpenError {
                    throw StoreFailure(description: e.description)
                }
                return entries.count
            }
        } catch let e as FormatError {
            throw APIError(.unprocessableContent, e.description + " (nothing was imported)", line: e.line)
        }
        return Response.json(.object([("file", .string(name)), ("format", .string(format)), ("entries", .int(count))]))
    }
}
