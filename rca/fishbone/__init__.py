"""The fishbone: causes (why? why?) under contributory-factor categories, tied to evidence."""
