"""The commissioner's report: PDF assembly, pseudonymisation, issued versions and their hashes."""
