// Placeholder until the GRPCCore API lands.
