// Tests of QuantServe.
