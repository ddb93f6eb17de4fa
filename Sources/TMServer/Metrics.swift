import Foundation

/// The server's counters and latency histograms, written in Prometheus' text format at `/metrics`.
final class ServerMetrics: @unchecked Sendable {
    private let lock = NSLock()
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var count = 0
        mutating func observe(_ v: Double) {
            for (i, b) in ServerMetrics.buckets.enumerated() where v <= b { counts[i] += 1 }
            sum += v
            count += 1
        }
    }

    /// Requests by (route, method, status).
    private var requests: [String: Int] = [:]
    /// Latency by route.
    private var latency: [String: Histogram] = [:]
    private var lookups = 0
    private var lookupLatency = Histogram()
    private var unitsAdded = 0
    private var unitsImported = 0
    private let started = Date()

    func request(route: String, method: String, status: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        requests["route=\"\(Self.escape(route))\",method=\"\(method)\",status=\"\(status)\"", default: 0] += 1
        latency["route=\"\(Self.escape(route))\"", default: Histogram()].observe(seconds)
    }

    func lookup(count: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        lookups += count
        for _ in 0..<max(1, count) { lookupLatency.observe(seconds / Double(max(1, count))) }
    }

    func added(_ n: Int) { lock.lock(); unitsAdded += n; lock.unlock() }
    func imported(_ n: Int) { lock.lock(); unitsImported += n; lock.unlock() }

    /// The exposition, with the units each memory holds now.
    func render(memoryUnits: [(String, Int)]) -> String {
        lock.lock()
        defer { lock.unlock() }
        var out = ""
        out += "# HELP tmkit_http_requests_total HTTP requests by route, method and status.\n# TYPE tmkit_http_requests_total counter\n"
        for (labels, n) in requests.sorted(by: { $0.key < $1.key }) { out += "tmkit_http_requests_total{\(labels)} \(n)\n" }
        out += "# HELP tmkit_http_request_duration_seconds Time to answer a request, by route.\n# TYPE tmkit_http_request_duration_seconds histogram\n"
        for (labels, h) in latency.sorted(by: { $0.key < $1.key }) {
            out += Self.histogram("tmkit_http_request_duration_seconds", labels, h)
        }
        out += "# HELP tmkit_lookups_total Segments looked up (a batch counts each).\n# TYPE tmkit_lookups_total counter\ntmkit_lookups_total \(lookups)\n"
        out += "# HELP tmkit_lookup_duration_seconds Time to look up one segment.\n# TYPE tmkit_lookup_duration_seconds histogram\n"
        out += Self.histogram("tmkit_lookup_duration_seconds", nil, lookupLatency)
        out += "# HELP tmkit_units_added_total Units added one by one.\n# TYPE tmkit_units_added_total counter\ntmkit_units_added_total \(unitsAdded)\n"
        out += "# HELP tmkit_units_imported_total Units read by imports.\n# TYPE tmkit_units_imported_total counter\ntmkit_units_imported_total \(unitsImported)\n"
        out += "# HELP tmkit_memory_units Units in each memory.\n# TYPE tmkit_memory_units gauge\n"
        for (name, n) in memoryUnits { out += "tmkit_memory_units{memory=\"\(Self.escape(name))\"} \(n)\n" }
        out += "# HELP tmkit_process_resident_bytes Resident memory of the server.\n# TYPE tmkit_process_resident_bytes gauge\ntmkit_process_resident_bytes \(Self.residentBytes())\n"
        out += "# HELP tmkit_uptime_seconds Seconds since the server started.\n# TYPE tmkit_uptime_seconds gauge\ntmkit_uptime_seconds \(String(format: "%.3f", Date().timeIntervalSince(started)))\n"
        return out
    }

    private static func histogram(_ name: String, _ labels: String?, _ h: Histogram) -> String {
        var out = ""
        let prefix = labels.map { $0 + "," } ?? ""
        for (i, b) in buckets.enumerated() { out += "\(name)_bucket{\(prefix)le=\"\(b)\"} \(h.counts[i])\n" }
        out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(h.count)\n"
        let l = labels.map { "{\($0)}" } ?? ""
        out += "\(name)_sum\(l) \(h.sum)\n\(name)_count\(l) \(h.count)\n"
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The process's resident set (from /proc/self/statm), in bytes.
    static func residentBytes() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let parts = s.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
