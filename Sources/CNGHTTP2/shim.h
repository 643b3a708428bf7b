// The one header through which Swift sees libnghttp2 (Debian bookworm: 1.52).
#ifndef CNGHTTP2_SHIM_H
#define CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
