"""(ops portal; being written)"""
