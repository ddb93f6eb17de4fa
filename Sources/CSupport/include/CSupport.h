// CSupport: what Swift cannot say itself, for the hot loops of the libraries.
#ifndef CSUPPORT_H
#define CSUPPORT_H

/// Asks the CPU to load the cache line at `p` without waiting for it (a hint: never faults).
/// A loop that will read scattered addresses starts their loads a few iterations ahead, so that
/// the cache misses overlap instead of following one another.
static inline void tmk_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Lowers the calling thread's priority to `nice` (Linux: a thread's nice value is its own, and the
/// threads it starts inherit it). Returns 0, or -1 where it cannot.
int tmk_lower_thread_priority(int nice);

#endif
