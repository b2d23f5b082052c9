"""API v1: ``GET /reviews/{id}/bundle``, the review as a portable bundle (rca.portability).

The same access rule as every review read, plus the export permission: a bundle holds the names
and care references of people supported and every staff name, so only the roles that see the
report's originals (admin, investigator, facilitator) may take one; others get 403, and a
review at another service is 404 like everywhere else.
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import Any

from flask import Response, current_app
from spectree import Response as Documented

from rca import access
from rca.api.auth import token_user
from rca.api.errors import ApiError
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import _AUTH_ERRORS, bp
from rca.db import db
from rca.evidence.uploads import upload_dir
from rca.portability.bundle_export import ExportRefused, export_bundle

#: Bundles are built in memory up to this size, then in a temporary file.
_IN_MEMORY = 32 * 1024 * 1024


class ZipResponse(Documented):
    """spectree's Response with the 200 answer documented as a ZIP file, not JSON."""

    def generate_spec(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        spec = super().generate_spec(*args, **kwargs)
        spec["200"]["content"] = {
            "application/zip": {"schema": {"type": "string", "format": "binary"}}
        }
        spec["200"]["headers"] = {
            "X-Bundle-SHA256": {
                "description": "SHA-256 of the body, in hex: compare it with the one the "
                "receiving side computes before importing.",
                "schema": {"type": "string"},
            }
        }
        return spec


@bp.get("/reviews/<int:review_id>/bundle")
@api_spec.validate(
    resp=ZipResponse(
        HTTP_200=None,
        HTTP_403=(ErrorBody, "The user's role may not export reviews"),
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        HTTP_409=(ErrorBody, "A stored upload of the review is damaged on the server"),
        **_AUTH_ERRORS,
    ),
    tags=["portability"],
    operation_id="getReviewBundle",
    skip_validation=True,
)
def get_review_bundle(review_id: int) -> Any:
    """A review as a portable bundle

    One ZIP file: the review with its evidence (and the uploaded files), timeline marks and
    annotations, causes, actions, effectiveness checks, meetings, issued reports and History,
    as JSON with a SHA-256 manifest. Import it into another instance with
    'flask --app rca bundle import FILE'.
    """
    review = access.review_for(token_user(), review_id, "export")
    # spectree reads every answer's body to check it, so the bundle is answered as bytes (the
    # CLI streams to a file: use it for a review too large to hold in memory).
    with tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY) as out:
        try:
            export_bundle(db.session, review.id, out, upload_dir(current_app))
        except ExportRefused as exc:
            raise ApiError(409, str(exc)) from None
        out.seek(0)
        data = out.read()
    response = Response(data, mimetype="application/zip")
    name = f"{review.reference}.rca-bundle.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Bundle-SHA256"] = hashlib.sha256(data).hexdigest()
    return response
