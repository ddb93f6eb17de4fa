// The store check report (VerifyReport) lives in MemoryCore, which every store shares.
@_exported import MemoryCore
