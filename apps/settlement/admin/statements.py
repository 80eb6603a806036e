"""(tenant admin statements; being written)"""
