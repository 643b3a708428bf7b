print("quantserve: not yet")
