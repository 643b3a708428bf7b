// Tests of Transformer.
