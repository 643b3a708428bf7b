// Placeholder until the GRPCHTTP2 owner lands the transport.
