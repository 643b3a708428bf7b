// Instruction-set specific kernels, each compiled for its ISA with __attribute__((target)).
#ifndef CKERNELS_H
#define CKERNELS_H
#include <stdint.h>
#include <stddef.h>
#endif
