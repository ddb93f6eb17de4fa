import Foundation

/// A file descriptor read a megabyte at a time through one reused buffer (a fresh megabyte for
/// every read would be page-faulted in anew), and written whole.
public final class FileChunks {
    private let fd: Int32
    private let owned: Bool
    @exclusivity(unchecked) private var scratch: [UInt8] = []

    /// - Parameter fd: an open file descriptor, read from its current offset.
    /// - Parameter owned: close `fd` when done.
    public init(fd: Int32, owned: Bool) {
        self.fd = fd
        self.owned = owned
    }

    /// Appends the next chunk to `buffer`; false at the end. Throws `FileIOError` on a failed read.
    public func read(appendingTo buffer: inout [UInt8]) throws -> Bool {
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 1 << 20) }
        while true {
            let n = scratch.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw FileIOError.lastError("cannot read") }
            if n == 0 { return false }
            buffer.append(contentsOf: scratch[0..<n])
            return true
        }
    }

    /// The next chunk; nil at the end.
    public func next() throws -> [UInt8]? {
        var chunk: [UInt8] = []
        return try read(appendingTo: &chunk) ? chunk : nil
    }

    /// Writes all of `bytes` to `fd` (retrying short writes); throws `FileIOError` on failure.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { throw FileIOError.lastError("cannot write") }
                offset += n
            }
        }
    }

    deinit { if owned { close(fd) } }
}

/// A failed read or write, with the system's reason.
public struct FileIOError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    static func lastError(_ what: String) -> FileIOError {
        FileIOError(message: "\(what): \(String(cString: strerror(errno)))")
    }
}
