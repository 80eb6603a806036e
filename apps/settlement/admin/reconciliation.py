"""(ops portal reconciliation; being written)"""
