import Foundation
import TranslationMemory

/// Writes a TMX file to a file descriptor with the XML formatted on other cores: the caller
/// hands over units (read from a memory, typically); batches are made and formatted two at a time
/// and written in order by a serial queue. At most a few batches are in flight, so memory stays
/// flat however many units go through.
public final class TMXStreamWriter: @unchecked Sendable {
    private let template: TMXWriter
    private let fd: Int32
    /// Writes formatted batches in the order they were added.
    private let queue = DispatchQueue(label: "tmkit.tmx-stream")
    /// Makes and formats batches, two at once.
    private let formatting = DispatchQueue(label: "tmkit.tmx-format", attributes: .concurrent)
    private let slots = DispatchSemaphore(value: 4)
    // Touched only on `queue`.
    @exclusivity(unchecked) private var warnings: [String] = []
    @exclusivity(unchecked) private var failure: Error?
    @exclusivity(unchecked) private var written = 0
    /// Buffers of written batches, kept for the next ones (a fresh buffer each time would be
    /// page-faulted in anew).
    private let pool = NSLock()
    @exclusivity(unchecked) private var buffers: [[UInt8]] = []

    /// A batch on its way: formatted on `formatting`, written on `queue` once `done` is signalled.
    private final class Batch: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        @exclusivity(unchecked) var result: Result<(bytes: [UInt8], units: Int, dropped: [(unit: Int, count: Int)]), Error> = .success(([], 0, []))
    }

    /// - Parameters:
    ///   - fd: an open file descriptor; it is not closed here.
    ///   - writer: the header's settings (source language, tool version).
    public init(fd: Int32, writer: TMXWriter) {
        self.fd = fd
        template = writer
    }

    /// Writes the header (before the first unit).
    public func writeHeader(adminLanguage: String = "en", dataType: String = "plaintext") {
        let text = template.header(adminLanguage: adminLanguage, dataType: dataType)
        queue.async { self.emit(Array(text.utf8)) }
    }

    /// Units that are made on another core (decoded from raw rows and filtered there), written in
    /// the order of the calls.
    public func add(_ produce: @escaping @Sendable () throws -> [TranslationUnit]) {
        slots.wait()
        let batch = Batch()
        formatting.async {
            defer { batch.done.signal() }
            batch.result = Result { try self.format(try produce()) }
        }
        queue.async {
            defer { self.slots.signal() }
            batch.done.wait()
            guard self.failure == nil else { return }
            switch batch.result {
            case .failure(let error):
                self.failure = error
            case .success(let (bytes, units, dropped)):
                // Warnings name units by their place in the whole file.
                for d in dropped { self.warnings.append(TMXWriter.droppedWarning(unit: self.written + d.unit, count: d.count)) }
                self.written += units
                self.emit(bytes)
                self.pool.withLock { self.buffers.append(bytes) }
            }
        }
    }

    /// Units written so far (once `finish` has returned: all of them).
    public var unitsWritten: Int { queue.sync { written } }

    /// Formats units into a pooled buffer; the dropped characters are numbered from the batch's start.
    private func format(_ units: [TranslationUnit]) throws -> (bytes: [UInt8], units: Int, dropped: [(unit: Int, count: Int)]) {
        var w = template
        var bytes = pool.withLock { buffers.popLast() } ?? []
        bytes.removeAll(keepingCapacity: true)
        for u in units { try w.unit(u, into: &bytes) }
        return (bytes, units.count, w.droppedCharacters)
    }

    /// Writes the footer and waits for everything to be written. Returns the warnings (characters
    /// XML forbids, dropped), in unit order; throws the first formatting or write error.
    public func finish() throws -> [String] {
        let footer = Array(template.footer().utf8)
        queue.async { self.emit(footer) }
        return try queue.sync {
            if let failure { throw failure }
            return warnings
        }
    }

    /// Writes bytes whole (on `queue`); a failed write is kept and stops the stream.
    private func emit(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        do { try FileChunks.writeAll(bytes, to: fd) } catch { failure = error }
    }
}
