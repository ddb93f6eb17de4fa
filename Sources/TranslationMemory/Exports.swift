// The SQLite store re-exports the engine-free core, so that `import TranslationMemory` gives both.
@_exported import MemoryCore

extension MemoryStore: TranslationMemoryStore {
    public var location: String { path }

    @discardableResult
    public func transaction(overwrite: Bool, bulk: Bool, _ body: (any MemoryWriting) throws -> Void) throws -> WriteReport {
        try write(overwrite: overwrite, bulk: bulk) { try body($0) }
    }
}

extension MemoryWriter: MemoryWriting {}
