// Tests of GRPCCore.
