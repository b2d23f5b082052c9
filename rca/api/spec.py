"""The spectree instance that turns the API's views and models into the OpenAPI document."""

from __future__ import annotations

from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData

from rca.api.schemas import ErrorBody

BEARER = "bearerAuth"

api_spec = SpecTree(
    "flask",
    title="RCA Workbench API",
    version="1",
    description=(
        "Start and read root-cause reviews. Authenticate with "
        "'Authorization: Bearer <token>' (tokens come from 'flask --app rca tokens add EMAIL'). "
        'Errors answer {"error": message, "field": name or null}.'
    ),
    # Only views decorated with api_spec.validate are documented, not the web screens.
    mode="strict",
    # No Swagger/Redoc pages: they load scripts from CDNs our CSP (rightly) refuses. We never
    # call api_spec.register() either; rca.api.views serves the JSON document itself at
    # /api/v1/openapi.json.
    page_templates={},
    annotations=False,
    security_schemes=[
        SecurityScheme(
            name=BEARER,
            data=SecuritySchemeData(
                type="http",  # type: ignore[arg-type]
                scheme="bearer",
                description="An API token from 'flask --app rca tokens add EMAIL'.",
            ),
        )
    ],
    security={BEARER: []},
    # Plain model names: the document is a public contract, hashed names would churn.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    # Views validate with the same models themselves (skip_validation) so that failures answer
    # our error shape; this puts that shape in the document for the validation status.
    validation_error_model=ErrorBody,
    validation_error_status=422,
)
