"""Moving data out of one instance and into another.

- ``backup``: a whole instance (its database and stored uploads) as one archive, and ``restore``
  of it into an empty instance: ``flask --app rca backup PATH`` / ``restore PATH``.
- Review bundles: one review with everything that hangs off it, as one ZIP with a SHA-256
  manifest, imported elsewhere with new ids (``flask --app rca bundle export|import``,
  ``GET /api/v1/reviews/{id}/bundle``). ``tables`` finds what a bundle carries from the
  SQLAlchemy metadata, ``values`` writes and reads column values as JSON, ``manifest`` checks
  the hashes, ``bundle_export`` and ``bundle_import`` do the work, ``registers`` matches
  services, users, staff and people on the receiving instance by their natural keys.
"""
