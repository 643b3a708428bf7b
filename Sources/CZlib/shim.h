// zlib: gRPC message compression (gzip, deflate) and quantbench's HdrHistogram interval logs.
#include <zlib.h>
