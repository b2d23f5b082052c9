"""The demo provider: realistic services, staff, users and reviews."""
