"""Evidence: imports of care, rota, HR and governance exports, with provenance and row errors."""
