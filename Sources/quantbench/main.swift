print("quantbench: not yet")
