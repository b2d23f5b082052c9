"""The provider's registers: services, staff and people supported."""
