// Placeholder until the Transformer owner lands the engine.
