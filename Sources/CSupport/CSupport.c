// (SwiftPM builds a C target from at least one source file: everything is inline in the header.)
#include "CSupport.h"

#ifdef __linux__
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int tmk_lower_thread_priority(int nice) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}
#else
int tmk_lower_thread_priority(int nice) { (void)nice; return -1; }
#endif
