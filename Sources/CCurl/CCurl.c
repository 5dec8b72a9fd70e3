// The wrappers are static inline in include/CCurl.h; SwiftPM needs one source file.
#include "CCurl.h"
