// The SQLite store re-exports the engine-free core, so that `import TranslationMemory` gives both.
@_exported import MemoryCore
