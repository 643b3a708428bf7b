// libFuzzer's entry for programs with their own main (linked in by -sanitize=fuzzer): it parses
// the usual libFuzzer flags from argv and fuzzes `callback`.
#ifndef CLIBFUZZER_SHIM_H
#define CLIBFUZZER_SHIM_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
