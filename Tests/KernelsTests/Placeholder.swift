// Tests of Kernels.
