// Tests of QuantServeAPI.
