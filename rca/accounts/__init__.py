"""Accounts: users, roles per service, sign-in, API tokens and the admin screens."""
