// The system ICU, declared for SwiftPM's pkg-config lookup only.
// No Swift module imports CICU: Foundation on Linux carries its own ICU whose
// declarations clash with these headers (see README, "ICU and Foundation").
// CICUShim depends on this target to inherit the compile and link flags.
#include <unicode/utypes.h>
