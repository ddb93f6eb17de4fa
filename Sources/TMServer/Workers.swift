import CSupport
import Foundation

/// A fixed set of threads for the stores' blocking work (SQLite reads and writes), so that the
/// event loops never wait on a disk and the number of open connections stays bounded.
final class WorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var head = 0

    init(threads: Int, name: String) {
        for i in 0..<max(1, threads) {
            let t = Thread { [unowned self] in self.loop() }
            t.name = "\(name)-\(i)"
            t.stackSize = 4 << 20
            t.start()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on a worker and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            condition.lock()
            jobs.append { c.resume(with: Result { try body() }) }
            condition.signal()
            condition.unlock()
        }
    }
}

/// Runs `body` on a thread of its own at a lower priority (nice 5) and waits for it to end: a long
/// import then yields the cores to lookups. Threads it starts (the import's readers and workers)
/// inherit the priority, which the calling thread keeps unchanged. (A POSIX thread, joined: nothing
/// of `body` outlives the call.)
func atLowPriority<T>(_ body: () throws -> T) throws -> T {
    try withoutActuallyEscaping(body) { body -> T in
        let box = PriorityBox(work: { try body() })
        let context = Unmanaged.passRetained(box).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 8 << 20)
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { p in
            let box = Unmanaged<PriorityBox>.fromOpaque(p!).takeUnretainedValue()
            _ = tmk_lower_thread_priority(5)
            box.result = Result { try box.work() }
            box.work = { nil }
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        Unmanaged<PriorityBox>.fromOpaque(context).release()
        guard started == 0 else { box.work = { nil }; return try body() }
        pthread_join(thread, nil)
        return try box.result!.get() as! T
    }
}

/// What `atLowPriority` hands its thread: the work, then its result.
private final class PriorityBox: @unchecked Sendable {
    var work: () throws -> Any?
    var result: Result<Any?, any Error>?
    init(work: @escaping () throws -> Any?) { self.work = work }
}

/// Open stores of one file, each used by one thread at a time: a store keeps caches (posting
/// lists, prepared statements) that are not shared between threads. SQLite orders the writes of
/// all of them, as it does between processes.
final class StorePool<Store>: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Store] = []
    private let open: () throws -> Store

    init(first: Store, open: @escaping () throws -> Store) {
        free = [first]
        self.open = open
    }

    func with<T>(_ body: (Store) throws -> T) throws -> T {
        lock.lock()
        let store = free.popLast()
        lock.unlock()
        let s = try store ?? open()
        defer {
            lock.lock()
            free.append(s)
            lock.unlock()
        }
        return try body(s)
    }
}
