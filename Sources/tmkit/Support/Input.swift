import Foundation
import Formats
import ICUText

/// A failure the user can act on: printed as "tmkit: <message>" with a non-zero exit.
struct UserError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

enum Input {
    /// The bytes of `path`, or of standard input for nil or "-".
    static func readBytes(_ path: String?) throws -> (bytes: [UInt8], name: String) {
        if path == nil || path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return ([UInt8](data), "<stdin>")
        }
        let p = path!
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
            throw UserError("\(p): no such file")
        }
        if isDir.boolValue { throw UserError("\(p): is a directory, not a file") }
        guard let data = FileManager.default.contents(atPath: p) else { throw UserError("\(p): cannot read the file") }
        return ([UInt8](data), p)
    }

    /// A file (or standard input, for nil or "-") read a megabyte at a time.
    final class Chunks {
        let name: String
        private let file: FileChunks

        init(_ path: String?) throws {
            if path == nil || path == "-" {
                name = "<stdin>"
                file = FileChunks(fd: 0, owned: false)
                return
            }
            let p = path!
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else { throw UserError("\(p): no such file") }
            if isDir.boolValue { throw UserError("\(p): is a directory, not a file") }
            let fd = open(p, O_RDONLY)
            guard fd >= 0 else { throw UserError("\(p): cannot read the file (\(String(cString: strerror(errno))))") }
            name = p
            file = FileChunks(fd: fd, owned: true)
        }

        /// The next chunk; nil at the end.
        func next() throws -> [UInt8]? {
            do { return try file.next() } catch let e as FileIOError { throw UserError("\(name): \(e.message)") }
        }
    }

    /// The text of `path` (or standard input) as UTF-8, with a UTF-8 byte-order mark kept.
    static func readText(_ path: String?) throws -> (text: String, name: String) {
        let (bytes, name) = try readBytes(path)
        do {
            return (try UTF8Validation.decode(bytes), name)
        } catch let e as UTF8Validation.InvalidUTF8 {
            throw UserError("\(name): invalid UTF-8 at byte offset \(e.byteOffset) (line \(e.line)); tmkit reads UTF-8 text")
        }
    }
}

/// Standard output and error, buffered.
enum Console {
    nonisolated(unsafe) static var out = OutputBuffer(fd: 1)

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data(("tmkit: warning: " + message + "\n").utf8))
    }

    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

/// A write buffer over a file descriptor, flushed at 64 KiB and at the end.
struct OutputBuffer {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        try? FileChunks.writeAll(buffer, to: fd) // a closed pipe or full disk is not reported here
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A JSON string literal for hand-written JSON output.
func jsonString(_ s: String) -> String { JSONString.literal(s) }
