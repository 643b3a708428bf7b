// Tests of GRPCHTTP2.
