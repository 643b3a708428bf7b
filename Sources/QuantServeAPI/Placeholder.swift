// Placeholder until the QuantServeAPI owner lands the message types.
