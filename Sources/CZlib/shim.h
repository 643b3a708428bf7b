// zlib, for quantbench's HdrHistogram interval logs (their histograms are zlib-compressed).
#include <zlib.h>
