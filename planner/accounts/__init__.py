"""Co-lead accounts: sign-in, API tokens, and who may write."""
