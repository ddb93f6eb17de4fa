import Foundation
import TranslationMemory

/// Writes a TMX file to a file descriptor with the XML formatted on another core: the caller
/// hands over units (read from a memory, typically) and a serial queue formats and writes them
/// in batches, in order. At most a few batches are in flight, so memory stays flat however
/// many units go through.
public final class TMXStreamWriter: @unchecked Sendable {
    private let template: TMXWriter
    private let fd: Int32
    private let queue = DispatchQueue(label: "tmkit.tmx-stream")
    private let slots = DispatchSemaphore(value: 3)
    // Touched only on `queue`.
    private var warnings: [String] = []
    private var failure: Error?
    private var written = 0
    private var buffer: [UInt8] = []

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

    /// Units that are made on the writing queue (decoded from raw rows and filtered there), in order.
    public func add(_ produce: @escaping @Sendable () throws -> [TranslationUnit]) {
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.failure == nil else { return }
            do { self.format(try produce()) } catch { self.failure = error }
        }
    }

    /// Units written so far (once `finish` has returned: all of them).
    public var unitsWritten: Int { queue.sync { written } }

    /// Formats and writes units (on `queue`).
    private func format(_ units: [TranslationUnit]) {
        var w = template
        w.numberUnits(after: written)
        written += units.count
        // One buffer for every batch (a fresh one each time would be page-faulted in anew).
        var bytes = buffer
        buffer = []
        bytes.removeAll(keepingCapacity: true)
        defer { buffer = bytes }
        do {
            for u in units { try w.unit(u, into: &bytes) }
        } catch {
            failure = error
            return
        }
        warnings.append(contentsOf: w.warnings)
        emit(bytes)
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
